/**
 * READDIR (RFC 8881 §18.23) and READLINK (§18.24).
 *
 * READDIR cookies are listing positions + 3 under a cookie verifier tied to
 * the directory's mtime/ctime (server/fs/dir-listing.ts). `maxcount` bounds
 * the whole READDIR4resok, `dircount` (when non-zero) the cookie+name bytes;
 * an entry that does not fit ends the reply with eof FALSE, and a maxcount
 * that cannot hold one entry is NFS4ERR_TOOSMALL. An entry whose attributes
 * cannot be read reports rdattr_error when the client asked for it.
 */
import type { BigIntStatsFs } from 'node:fs';
import { FATTR4 } from '../../client/nfs4/constants.js';
import type { RawFattr } from '../../client/nfs4/fattr.js';
import { readdirOp, type Entry4, type ReaddirArgs } from '../../client/nfs4/ops/readdir.js';
import { readlinkOp } from '../../client/nfs4/ops/readlink.js';
import { XdrWriter } from '../../client/xdr/xdr-writer.js';
import { NFS4_OK, NFS4ERR } from '../../client/nfs4/status.js';
import type { OpContext } from '../compound/op-context.js';
import type { OpHandler } from '../compound/op-handler.js';
import { statusOf } from '../compound/status-of.js';
import { NfsStatus } from '../errors.js';
import { needsStatfs } from '../attrs/node-attrs.js';
import { FIRST_COOKIE, type Listing } from '../fs/dir-listing.js';
import { isDir, isLnk, type FsNode } from '../fs/export-fs.js';
import { FsError } from '../fs/fs-error.js';

const pad4 = (n: number): number => (n + 3) & ~3;
/** fattr4 on the wire: bitmap4 (count + words) then attrlist4 (length + padded bytes). */
function fattrSize(attrmask: readonly number[], valsLen: number): number {
  const words = attrmask.length === 0 ? 0 : (attrmask[attrmask.length - 1] >>> 5) + 1;
  return 4 + 4 * words + 4 + pad4(valsLen);
}
/** Placeholder attr_vals of an entry whose values are still in the shared writer. */
const EMPTY = Buffer.alloc(0);

function readdir(ctx: OpContext, a: ReaddirArgs) {
  const dir = ctx.fh();
  if (isLnk(dir.st)) throw new NfsStatus(NFS4ERR.NOTDIR, 'symlink');
  if (!isDir(dir.st)) throw new NfsStatus(NFS4ERR.NOTDIR);
  if (a.cookie === 1n || a.cookie === 2n) throw new NfsStatus(NFS4ERR.BAD_COOKIE);
  const listing = ctx.core.dirs.list(dir);
  // space_* / files_* are the same for every entry: one statfs per reply.
  if (!(listing instanceof Promise) && !needsStatfs(a.attrRequest)) return fill(ctx, a, dir, listing, undefined);
  return (async () => fill(ctx, a, dir, await listing, needsStatfs(a.attrRequest) ? await ctx.core.fs.statfs() : undefined))();
}

function fill(ctx: OpContext, a: ReaddirArgs, dir: FsNode, listing: Listing, statfs: BigIntStatsFs | undefined) {
  if (a.cookie !== 0n && !a.cookieverf.every((b) => b === 0) && !a.cookieverf.equals(listing.verf)) {
    throw new NfsStatus(NFS4ERR.NOT_SAME, 'directory changed since the cookie was issued');
  }
  const start = a.cookie === 0n ? 0 : Number(a.cookie - FIRST_COOKIE) + 1;
  if (start > listing.names.length) throw new NfsStatus(NFS4ERR.BAD_COOKIE);
  ctx.core.noteAttrInterest(ctx, a.attrRequest);
  const wantErr = a.attrRequest.includes(FATTR4.RDATTR_ERROR);
  const maxcount = Math.min(a.maxcount, ctx.budget - 8);
  // verifier + "no more entries" + eof
  let used = 8 + 4 + 4;
  let dirBytes = 0;
  const entries: Entry4[] = [];
  // Every entry's attr_vals go into one writer and are cut out of it at the end.
  const vals = new XdrWriter(16 * 1024);
  const spans: Array<[number, number]> = [];
  let i = start;
  for (; i < listing.names.length; i++) {
    const name = listing.names[i];
    let attrs: RawFattr;
    const from = vals.length;
    try {
      const attrmask = ctx.core.entryInto(vals, ctx, dir, name, listing.regular[i], a.attrRequest, statfs);
      attrs = { attrmask, attrVals: EMPTY };
    } catch (err) {
      if (err instanceof FsError && err.kind === 'NOENT') continue; // removed meanwhile
      const s = statusOf(err);
      if (!wantErr) throw err;
      attrs = { attrmask: [FATTR4.RDATTR_ERROR], attrVals: Buffer.from([0, 0, 0, 0]) };
      attrs.attrVals.writeUInt32BE(s.status, 0);
    }
    const valsLen = attrs.attrVals === EMPTY ? vals.length - from : attrs.attrVals.length;
    const nameLen = 4 + pad4(Buffer.byteLength(name));
    const size = 4 + 8 + nameLen + fattrSize(attrs.attrmask, valsLen);
    if (used + size > maxcount || (a.dircount > 0 && entries.length > 0 && dirBytes + 8 + nameLen > a.dircount)) break;
    used += size;
    dirBytes += 8 + nameLen;
    spans.push([from, vals.length]);
    entries.push({ cookie: BigInt(i) + FIRST_COOKIE, name, attrs });
  }
  const all = vals.finish();
  entries.forEach((e, k) => {
    if (e.attrs.attrVals === EMPTY) e.attrs.attrVals = all.subarray(spans[k][0], spans[k][1]);
  });
  const eof = i >= listing.names.length;
  if (entries.length === 0 && !eof) throw new NfsStatus(NFS4ERR.TOOSMALL, `maxcount ${a.maxcount} cannot hold one entry`);
  return { status: NFS4_OK, resok: { cookieverf: listing.verf, entries, eof } };
}

export const dirHandlers: OpHandler[] = [
  { codec: readdirOp, run: readdir },
  {
    codec: readlinkOp,
    async run(ctx) {
      const n = ctx.fh();
      if (isDir(n.st)) throw new NfsStatus(NFS4ERR.ISDIR);
      if (!isLnk(n.st)) throw new NfsStatus(NFS4ERR.INVAL, 'not a symbolic link');
      return { status: NFS4_OK, resok: { link: await ctx.core.fs.readlink(n) } };
    },
  },
];
