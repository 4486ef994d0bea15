/**
 * NFS attributes (RFC 8881 §5.8: type, mode, numlinks, owner, owner_group,
 * size, time_*) as the struct stat fields fuse-native takes. Times are in
 * milliseconds: that is all fuse-native passes to the kernel.
 */
import type { RemoteStat } from './remote-tree.js';

export interface FuseStat {
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  blocks: number;
  blksize: number;
  atime: number;
  mtime: number;
  ctime: number;
}

const TYPE_BITS: Record<string, number> = {
  file: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  block: 0o060000,
  char: 0o020000,
  socket: 0o140000,
  fifo: 0o010000,
};

/** NFSv4 owners are "uid" strings when numeric (ganesha Only_Numeric_Owners, imafs serve), else user@domain. */
function numericId(n: number | undefined, s: string | undefined): number {
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  if (s !== undefined && /^\d+$/.test(s)) return Number(s);
  return 65534; // nobody: an owner we cannot map
}

export const msOf = (d: Date | undefined): number => d?.getTime() ?? 0;

export function toFuseStat(s: RemoteStat, mtimeMs = msOf(s.mtime)): FuseStat {
  return {
    mode: (TYPE_BITS[s.type] ?? TYPE_BITS.file) | (s.mode & 0o7777),
    uid: numericId(s.uid, s.owner),
    gid: numericId(s.gid, s.ownerGroup),
    size: s.size,
    nlink: s.numlinks ?? (s.type === 'directory' ? 2 : 1),
    blocks: Math.ceil(s.size / 512),
    blksize: 4096,
    atime: msOf(s.atime),
    mtime: mtimeMs,
    ctime: msOf(s.ctime),
  };
}
