/**
 * Filehandle ops (RFC 8881 §18.19-§18.21, §18.13-§18.14, §18.8, §18.27,
 * §18.31): they move the COMPOUND's current / saved filehandle around the
 * export. PUTFH validates the handle's MAC and inode (BADHANDLE / STALE);
 * LOOKUP never follows a symlink and `..` at the export root stays there.
 */
import { NFS4_OK, NFS4ERR } from '../../client/nfs4/status.js';
import { getfhOp } from '../../client/nfs4/ops/getfh.js';
import { lookupOp, type LookupArgs } from '../../client/nfs4/ops/lookup.js';
import { lookuppOp } from '../../client/nfs4/ops/lookupp.js';
import { putfhOp, type PutfhArgs } from '../../client/nfs4/ops/putfh.js';
import { putpubfhOp } from '../../client/nfs4/ops/putpubfh.js';
import { putrootfhOp } from '../../client/nfs4/ops/putrootfh.js';
import { restorefhOp } from '../../client/nfs4/ops/restorefh.js';
import { savefhOp } from '../../client/nfs4/ops/savefh.js';
import { NfsStatus } from '../errors.js';
import type { OpHandler } from '../compound/op-handler.js';
import { andThen } from '../compound/maybe-async.js';
import type { OpContext } from '../compound/op-context.js';
import type { FsNode } from '../fs/export-fs.js';

const OK = { status: NFS4_OK };

/** Makes `n` (now or once found) the current filehandle. */
function setFh(ctx: OpContext, n: FsNode | Promise<FsNode>) {
  return andThen(n, (node) => {
    ctx.setFh(node);
    return OK;
  });
}

function noteForged(ctx: OpContext, err: unknown): never {
  if ((err as { kind?: string }).kind === 'BADHANDLE') ctx.core.refuse(ctx, 'PUTFH', undefined, NFS4ERR.BADHANDLE, 'forged or foreign file handle');
  throw err;
}

export const fhHandlers: OpHandler[] = [
  {
    codec: putrootfhOp,
    run(ctx) {
      ctx.setFh(ctx.core.fs.rootNodeNow());
      return OK;
    },
  },
  {
    // The public filehandle is the export root too (RFC 8881 §18.20).
    codec: putpubfhOp,
    run(ctx) {
      ctx.setFh(ctx.core.fs.rootNodeNow());
      return OK;
    },
  },
  {
    codec: putfhOp,
    run(ctx, a: PutfhArgs) {
      let n: FsNode | Promise<FsNode>;
      try {
        n = ctx.core.fs.resolveNow(a.object);
      } catch (err) {
        noteForged(ctx, err);
      }
      if (n instanceof Promise) n = n.catch((err: unknown) => noteForged(ctx, err));
      return setFh(ctx, n);
    },
  },
  {
    codec: getfhOp,
    run(ctx) {
      return { status: NFS4_OK, resok: { object: ctx.fh().fh } };
    },
  },
  {
    codec: savefhOp,
    run(ctx) {
      ctx.sfh = ctx.fh();
      ctx.savedStateid = ctx.currentStateid;
      return OK;
    },
  },
  {
    codec: restorefhOp,
    run(ctx) {
      if (!ctx.sfh) throw new NfsStatus(NFS4ERR.RESTOREFH, 'no saved filehandle');
      const saved = ctx.savedStateid;
      return andThen(ctx.core.fs.refreshNow(ctx.sfh), (n) => {
        ctx.setFh(n);
        ctx.currentStateid = saved;
        return OK;
      });
    },
  },
  {
    codec: lookupOp,
    run(ctx, a: LookupArgs) {
      // The current filehandle was stat'ed when it was set in this COMPOUND.
      return setFh(ctx, ctx.core.fs.lookupNow(ctx.fh(), a.objname));
    },
  },
  {
    codec: lookuppOp,
    run(ctx) {
      const n = ctx.fh();
      const t = Number(n.st.mode) & 0o170000;
      if (t === 0o120000) throw new NfsStatus(NFS4ERR.SYMLINK);
      if (t !== 0o040000) throw new NfsStatus(NFS4ERR.NOTDIR);
      ctx.setFh(ctx.core.fs.parentNow(n));
      return OK;
    },
  },
];
