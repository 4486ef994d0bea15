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
import type { ReaddirArgs } from '../../client/nfs4/ops/readdir.js';
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
import { componentSize, DirlistBuilder, entrySize, serverReaddirOp } from './readdir-reply.js';

const RDATTR_ERROR_MASK: readonly number[] = [FATTR4.RDATTR_ERROR];

/** Largest first attr_vals buffer: growing a writer copies what it holds, but most directories are small. */
const VALS_MAX_INITIAL = 256 * 1024;

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
  const list = new DirlistBuilder();
  // Every entry's attr_vals go into one writer; the list copies them out at the end.
  // Sized for what this reply will likely hold (a signature blob is ~270 bytes).
  const perEntry = a.attrRequest.includes(ctx.core.imaAttr) ? 400 : 100;
  const vals = new XdrWriter(Math.max(512, Math.min(maxcount, VALS_MAX_INITIAL, perEntry * (listing.names.length - start))));
  let i = start;
  for (; i < listing.names.length; i++) {
    const name = listing.names[i];
    let attrmask: readonly number[];
    let from = vals.length;
    try {
      attrmask = ctx.core.entryInto(vals, ctx, dir, name, listing.regular[i], a.attrRequest, statfs);
    } catch (err) {
      if (err instanceof FsError && err.kind === 'NOENT') continue; // removed meanwhile
      const s = statusOf(err);
      if (!wantErr) throw err;
      attrmask = RDATTR_ERROR_MASK;
      from = vals.length;
      vals.uint32(s.status);
    }
    const to = vals.length;
    const nameBytes = Buffer.byteLength(name);
    const size = entrySize(nameBytes, attrmask, to - from);
    const nameLen = componentSize(nameBytes);
    if (used + size > maxcount || (a.dircount > 0 && list.count > 0 && dirBytes + 8 + nameLen > a.dircount)) break;
    used += size;
    dirBytes += 8 + nameLen;
    list.add(i + Number(FIRST_COOKIE), name, nameBytes, attrmask, from, to, size);
  }
  const eof = i >= listing.names.length;
  if (list.count === 0 && !eof) throw new NfsStatus(NFS4ERR.TOOSMALL, `maxcount ${a.maxcount} cannot hold one entry`);
  return { status: NFS4_OK, resok: { cookieverf: listing.verf, list: list.finish(vals.finish()), eof } };
}

export const dirHandlers: OpHandler[] = [
  { codec: serverReaddirOp, run: readdir },
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
