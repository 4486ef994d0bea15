/**
 * Attribute ops: GETATTR (RFC 8881 §18.7), VERIFY / NVERIFY (§18.31, §18.15;
 * draft §4.5 attribute fencing on FATTR4_IMA), SETATTR (§18.30, draft §4.3)
 * and ACCESS (§18.1).
 *
 * SETATTR: the export is read-only except for FATTR4_IMA. An attribute the
 * server does not support is NFS4ERR_ATTRNOTSUPP, a read-only one
 * NFS4ERR_INVAL, any other settable one NFS4ERR_ROFS; FATTR4_IMA over 4096
 * bytes is NFS4ERR_INVAL; who may change it is `--ima-updates`.
 */
import { ACCESS4_DELETE, ACCESS4_EXECUTE, ACCESS4_EXTEND, ACCESS4_LOOKUP, ACCESS4_MODIFY, ACCESS4_READ, FATTR4 } from '../../client/nfs4/constants.js';
import { attrAccess, decodeFattrPartial, type RawFattr } from '../../client/nfs4/fattr.js';
import { accessOp, type AccessArgs } from '../../client/nfs4/ops/access.js';
import { getattrOp, type GetattrArgs } from '../../client/nfs4/ops/getattr.js';
import { nverifyOp } from '../../client/nfs4/ops/nverify.js';
import { setattrOp, type SetattrArgs } from '../../client/nfs4/ops/setattr.js';
import { verifyOp, type VerifyArgs } from '../../client/nfs4/ops/verify.js';
import { NFS4_OK, NFS4ERR } from '../../client/nfs4/status.js';
import { needsStatfs, supportedAttrs } from '../attrs/node-attrs.js';
import type { OpContext } from '../compound/op-context.js';
import type { OpHandler } from '../compound/op-handler.js';
import { NfsStatus } from '../errors.js';
import { isDir } from '../fs/export-fs.js';
import { IMA_MAX, writeIma } from '../fs/ima-xattr.js';
import { permBits } from './permissions.js';

/** VERIFY/NVERIFY: does the client's fattr4 equal the server's, byte for byte (RFC 8881 §18.31.4)? */
async function sameAttrs(ctx: OpContext, given: RawFattr): Promise<boolean> {
  const mask = given.attrmask;
  if (mask.includes(FATTR4.RDATTR_ERROR)) throw new NfsStatus(NFS4ERR.INVAL, 'rdattr_error cannot be verified');
  const supported = new Set(supportedAttrs(ctx.minor, ctx.core.attrSettings));
  const missing = mask.find((b) => !supported.has(b));
  if (missing !== undefined) throw new NfsStatus(NFS4ERR.ATTRNOTSUPP, `attribute ${missing} not supported`);
  ctx.core.noteAttrInterest(ctx, mask);
  const mine = await ctx.core.fattrOf(ctx, ctx.fh(), mask);
  return mine.attrmask.length === mask.length && mine.attrVals.equals(given.attrVals);
}

/** The FATTR4_IMA value of a SETATTR whose mask is exactly [imaAttr]; NFS4ERR_INVAL when over 4096 bytes. */
function imaValue(ctx: OpContext, raw: RawFattr): Buffer {
  // Checked before decoding: ima_data4<4096> would otherwise fail as BADXDR.
  if (raw.attrVals.length >= 4 && raw.attrVals.readUInt32BE(0) > IMA_MAX) {
    throw new NfsStatus(NFS4ERR.INVAL, `FATTR4_IMA of ${raw.attrVals.readUInt32BE(0)} bytes exceeds ${IMA_MAX}`);
  }
  const p = decodeFattrPartial(raw, ctx.core.attrConfig);
  if (p.fattr.ima === undefined) throw new NfsStatus(NFS4ERR.BADXDR, 'FATTR4_IMA value missing');
  return Buffer.from(p.fattr.ima);
}

async function setattr(ctx: OpContext, a: SetattrArgs): Promise<{ status: number; attrsset: number[] }> {
  const n = ctx.fh();
  const mask = a.objAttributes.attrmask;
  const supported = new Set(supportedAttrs(ctx.minor, ctx.core.attrSettings));
  const ima = ctx.core.imaAttr;
  for (const b of mask) {
    if (!supported.has(b)) throw new NfsStatus(NFS4ERR.ATTRNOTSUPP, `attribute ${b} not supported`);
  }
  for (const b of mask) {
    if (b !== ima && attrAccess(b, ctx.core.attrConfig) === 'r') throw new NfsStatus(NFS4ERR.INVAL, `attribute ${b} is read-only`);
  }
  if (mask.some((b) => b !== ima)) {
    ctx.core.refuse(ctx, 'SETATTR', n, NFS4ERR.ROFS, `attributes ${mask.filter((b) => b !== ima).join(',')}: the export is read-only`);
    throw new NfsStatus(NFS4ERR.ROFS);
  }
  if (mask.length === 0) return { status: NFS4_OK, attrsset: [] };
  const blob = imaValue(ctx, a.objAttributes);
  ctx.core.noteAttrInterest(ctx, [ima]);
  const why = ctx.core.settings.updates.refuse(
    { uid: ctx.cred.uid, gid: ctx.cred.gid, gids: ctx.cred.gids, addr: ctx.peer.addr },
    { uid: Number(n.st.uid), gid: Number(n.st.gid) },
  );
  if (why) {
    ctx.core.refuse(ctx, 'SETATTR(FATTR4_IMA)', n, NFS4ERR.ACCESS, why);
    throw new NfsStatus(NFS4ERR.ACCESS, why);
  }
  await writeIma(ctx.core.files, n, blob);
  ctx.core.log(`${blob.length === 0 ? 'removed' : `set ${blob.length}-byte`} IMA metadata of /${n.rel} for ${ctx.who()}`);
  ctx.setFh(await ctx.core.fs.refresh(n));
  return { status: NFS4_OK, attrsset: [ima] };
}

const ALL_ACCESS = ACCESS4_READ | ACCESS4_LOOKUP | ACCESS4_MODIFY | ACCESS4_EXTEND | ACCESS4_DELETE | ACCESS4_EXECUTE;

export const attrHandlers: OpHandler[] = [
  {
    codec: getattrOp,
    run(ctx, a: GetattrArgs) {
      ctx.core.noteAttrInterest(ctx, a.attrRequest);
      const n = ctx.fh();
      if (needsStatfs(a.attrRequest)) return ctx.core.fattrOf(ctx, n, a.attrRequest).then((objAttributes) => ({ status: NFS4_OK, resok: { objAttributes } }));
      return { status: NFS4_OK, resok: { objAttributes: ctx.core.fattrNow(ctx, n, a.attrRequest, undefined) } };
    },
  },
  {
    codec: verifyOp,
    async run(ctx, a: VerifyArgs) {
      if (!(await sameAttrs(ctx, a.objAttributes))) throw new NfsStatus(NFS4ERR.NOT_SAME);
      return { status: NFS4_OK };
    },
  },
  {
    codec: nverifyOp,
    async run(ctx, a: VerifyArgs) {
      if (await sameAttrs(ctx, a.objAttributes)) throw new NfsStatus(NFS4ERR.SAME);
      return { status: NFS4_OK };
    },
  },
  {
    codec: setattrOp,
    run: setattr,
    fail: (status) => ({ status, attrsset: [] }),
  },
  {
    codec: accessOp,
    run(ctx, a: AccessArgs) {
      const n = ctx.fh();
      const p = permBits(ctx.cred, n.st);
      let allowed = 0;
      if (p & 4) allowed |= ACCESS4_READ;
      if (p & 1) allowed |= isDir(n.st) ? ACCESS4_LOOKUP : ACCESS4_EXECUTE;
      // MODIFY, EXTEND and DELETE are never granted: file content is read-only here.
      const supported = a.access & ALL_ACCESS;
      return { status: NFS4_OK, resok: { supported, access: allowed & supported } };
    },
  },
];
