/**
 * OPEN (RFC 8881 §18.16, RFC 7530 §16.16), OPEN_CONFIRM (RFC 7530 §16.18),
 * CLOSE (§18.2), READ (§18.22).
 *
 * Opens are read-only: share_access WRITE and OPEN4_CREATE are NFS4ERR_ROFS,
 * except that OPEN(CREATE) carrying FATTR4_IMA is NFS4ERR_INVAL (draft
 * §4.3.1). No delegations are granted and OPEN never asks for OPEN_CONFIRM.
 * READ data is read into a fresh buffer that the reply references, capped at
 * 1 MiB and at what the session's ca_maxresponsesize leaves.
 */
import {
  CLAIM_FH, CLAIM_NULL, CLAIM_PREVIOUS, EXCLUSIVE4, OPEN4_CREATE, OPEN4_SHARE_ACCESS_READ, OPEN4_SHARE_ACCESS_WANT_DELEG_MASK,
  OPEN4_SHARE_ACCESS_WANT_NO_DELEG, OPEN4_SHARE_ACCESS_WRITE, OPEN_DELEGATE_NONE, OPEN_DELEGATE_NONE_EXT, WND4_NOT_WANTED, WND4_RESOURCE,
} from '../../client/nfs4/constants.js';
import { closeOp, type CloseArgs } from '../../client/nfs4/ops/close.js';
import { openConfirmOp, type OpenConfirmArgs } from '../../client/nfs4/ops/open-confirm.js';
import { openOp, type OpenArgs } from '../../client/nfs4/ops/open.js';
import { readOp, type ReadArgs } from '../../client/nfs4/ops/read.js';
import { NFS4_OK, NFS4ERR } from '../../client/nfs4/status.js';
import type { Stateid4 } from '../../client/nfs4/types.js';
import { MAX_IO } from '../attrs/node-attrs.js';
import type { OpContext } from '../compound/op-context.js';
import type { OpHandler } from '../compound/op-handler.js';
import { NfsStatus } from '../errors.js';
import { isDir, isLnk, isReg, type FsNode } from '../fs/export-fs.js';
import { NO_RELEASE } from '../fs/open-files.js';
import { andThen } from '../compound/maybe-async.js';
import { admitContent, checkReadPermission } from './content-gate.js';
import { openOwnerClient } from './owner-client.js';
import { checkStateid } from './stateid-check.js';

/** Open stateids the server keeps at once (they cost memory only; no descriptor is held per open). */
const MAX_OPENS = 100_000;
const INVALID_STATEID: Stateid4 = { seqid: 0xffffffff, other: Buffer.alloc(12) };

function mustBeRegular(ctx: OpContext, n: FsNode): void {
  if (isDir(n.st)) throw new NfsStatus(NFS4ERR.ISDIR);
  if (isLnk(n.st)) throw new NfsStatus(NFS4ERR.SYMLINK);
  if (!isReg(n.st)) throw new NfsStatus(ctx.minor >= 1 ? NFS4ERR.WRONG_TYPE : NFS4ERR.INVAL);
}

function open(ctx: OpContext, a: OpenArgs) {
  const client = openOwnerClient(ctx, a.owner.clientid);
  if (ctx.minor === 0) {
    const seq = ctx.core.owners.check(client.clientid, a.owner.owner, a.seqid);
    if (seq === 'bad') throw new NfsStatus(NFS4ERR.BAD_SEQID);
    ctx.core.owners.advance(client.clientid, a.owner.owner, a.seqid);
  }
  if (a.openhow.opentype === OPEN4_CREATE) {
    const how = a.openhow.how;
    const attrs = how.mode === EXCLUSIVE4 ? undefined : how.createattrs;
    if (attrs?.attrmask.includes(ctx.core.imaAttr)) {
      ctx.core.refuse(ctx, 'OPEN(CREATE)', ctx.cfh, NFS4ERR.INVAL, 'FATTR4_IMA at creation (draft §4.3.1)');
      throw new NfsStatus(NFS4ERR.INVAL, 'FATTR4_IMA may not be sent with OPEN(CREATE)');
    }
    ctx.core.refuse(ctx, 'OPEN(CREATE)', ctx.cfh, NFS4ERR.ROFS, 'the export is read-only');
    throw new NfsStatus(NFS4ERR.ROFS);
  }
  const access = a.shareAccess & 0xff;
  if (access & ~(OPEN4_SHARE_ACCESS_READ | OPEN4_SHARE_ACCESS_WRITE) || access === 0 || a.shareDeny > 3) throw new NfsStatus(NFS4ERR.INVAL);
  if (access & OPEN4_SHARE_ACCESS_WRITE) {
    ctx.core.refuse(ctx, 'OPEN(WRITE)', ctx.cfh, NFS4ERR.ROFS, 'the export is read-only');
    throw new NfsStatus(NFS4ERR.ROFS);
  }
  let dir: FsNode | undefined;
  let file: FsNode | Promise<FsNode>;
  switch (a.claim.claim) {
    case CLAIM_NULL:
      dir = ctx.fh();
      if (!isDir(dir.st)) throw new NfsStatus(isLnk(dir.st) ? NFS4ERR.SYMLINK : NFS4ERR.NOTDIR);
      file = ctx.core.fs.lookupNow(dir, a.claim.file);
      break;
    case CLAIM_FH:
      if (ctx.minor === 0) throw new NfsStatus(NFS4ERR.INVAL);
      file = ctx.fh();
      break;
    case CLAIM_PREVIOUS:
      throw new NfsStatus(NFS4ERR.NO_GRACE);
    default:
      throw new NfsStatus(NFS4ERR.NOTSUPP, 'delegation claims: no delegations are ever granted');
  }
  return andThen(file, (f) => {
    mustBeRegular(ctx, f);
    checkReadPermission(ctx, f, 'OPEN');
    // Without --appraise nothing waits: the OPEN completes synchronously.
    return andThen(admitContent(ctx, f, 'OPEN'), () => opened(ctx, a, client.clientid, access, dir, f));
  });
}

function opened(ctx: OpContext, a: OpenArgs, clientid: bigint, access: number, dir: FsNode | undefined, file: FsNode) {
  if (ctx.core.stateids.size >= MAX_OPENS) throw new NfsStatus(ctx.minor === 0 ? NFS4ERR.RESOURCE : NFS4ERR.DELAY, 'too many open files');
  const st = ctx.core.stateids.open(clientid, a.owner.owner, file.key, access);
  const stateid = { seqid: st.seqid, other: st.other };
  const change = (dir ?? file).st.ctimeNs;
  const want = a.shareAccess & OPEN4_SHARE_ACCESS_WANT_DELEG_MASK;
  const delegation = ctx.minor >= 1 && want !== 0
    ? { type: OPEN_DELEGATE_NONE_EXT, why: want === OPEN4_SHARE_ACCESS_WANT_NO_DELEG ? WND4_NOT_WANTED : WND4_RESOURCE, serverWillSignalAvail: false }
    : { type: OPEN_DELEGATE_NONE };
  ctx.setFh(file);
  ctx.currentStateid = stateid;
  return {
    status: NFS4_OK,
    resok: { stateid, cinfo: { atomic: true, before: change, after: change }, rflags: 0, attrset: [], delegation },
  };
}

function read(ctx: OpContext, a: ReadArgs) {
  const n = ctx.fh();
  if (isDir(n.st)) throw new NfsStatus(NFS4ERR.ISDIR);
  if (!isReg(n.st)) throw new NfsStatus(isLnk(n.st) && ctx.minor >= 1 ? NFS4ERR.SYMLINK : NFS4ERR.INVAL);
  const st = checkStateid(ctx, a.stateid, n.key, true);
  if (!st) checkReadPermission(ctx, n, 'READ');
  // Without --appraise there is nothing to wait for: the whole READ runs synchronously.
  return andThen(admitContent(ctx, n, 'READ'), () => readData(ctx, n, a));
}

function readData(ctx: OpContext, n: FsNode, a: ReadArgs) {
  // resop + status + eof + length = 16 bytes, and the data is padded to 4.
  const count = Math.max(0, Math.min(a.count, MAX_IO, (ctx.budget - 16) & ~3));
  return andThen(ctx.core.files.read(n, a.offset, count), ({ data, eof, release }) => {
    if (release !== NO_RELEASE) ctx.afterReply.push(release);
    return { status: NFS4_OK, resok: { eof, data } };
  });
}

export const openHandlers: OpHandler[] = [
  { codec: openOp, run: open },
  {
    codec: openConfirmOp,
    minors: [0, 0],
    run(ctx, a: OpenConfirmArgs) {
      const n = ctx.fh();
      const st = checkStateid(ctx, a.openStateid, n.key, false)!;
      const owner = st.ownerBytes;
      if (ctx.core.owners.check(st.clientid, owner, a.seqid) === 'bad') throw new NfsStatus(NFS4ERR.BAD_SEQID);
      ctx.core.owners.advance(st.clientid, owner, a.seqid);
      st.confirmed = true;
      st.seqid = (st.seqid % 0xffffffff) + 1;
      return { status: NFS4_OK, resok: { openStateid: { seqid: st.seqid, other: st.other } } };
    },
  },
  {
    codec: closeOp,
    run(ctx, a: CloseArgs) {
      const n = ctx.fh();
      const st = checkStateid(ctx, a.openStateid, n.key, false)!;
      if (ctx.minor === 0) {
        const owner = st.ownerBytes;
        if (ctx.core.owners.check(st.clientid, owner, a.seqid) === 'bad') throw new NfsStatus(NFS4ERR.BAD_SEQID);
        ctx.core.owners.advance(st.clientid, owner, a.seqid);
      }
      ctx.core.stateids.close(st);
      // RFC 8881 §18.2.4: 4.1 returns the invalid special stateid; 4.0 the next seqid.
      const openStateid = ctx.minor >= 1 ? INVALID_STATEID : { seqid: (st.seqid % 0xffffffff) + 1, other: st.other };
      ctx.currentStateid = undefined;
      return { status: NFS4_OK, resok: { openStateid } };
    },
  },
  { codec: readOp, run: read },
];
