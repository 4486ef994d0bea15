/**
 * The file's `security.ima` extended attribute, the value of FATTR4_IMA
 * (draft-ietf-nfsv4-integrity-measurement §4.1: `typedef opaque ima_data4<4096>`)
 * stored byte for byte as evmctl and the kernel write it.
 *
 * The path is used only while a descriptor opened with O_NOFOLLOW proves it
 * names the handle's inode inside the export (the xattr calls do not
 * follow a final symlink either), so the attribute read or written is the
 * handle's, never that of something a symlink points at.
 */
import { createRequire } from 'node:module';
import type * as Xattr from '@napi-rs/xattr';
import { promisify } from 'node:util';
import fs, { lstatSync, type BigIntStats } from 'node:fs';
import { isDir, isReg, type FsNode } from './export-fs.js';
import { FsError, fsErrorFrom } from './fs-error.js';
import { closeQuietly, type OpenFiles } from './open-files.js';

// require(), not an ES import: Node 20's ESM loader lexes a CommonJS package's whole index (23 KB) on every start.
const { getAttributeSync, removeAttribute, setAttribute } = createRequire(import.meta.url)('@napi-rs/xattr') as typeof Xattr;

export const IMA_XATTR = 'security.ima';
/** draft §4.1: ima_data4<4096>. */
export const IMA_MAX = 4096;

const closeP = promisify(fs.close);
/** The value of an object without one; shared, never modified. */
const EMPTY = Buffer.alloc(0);

function noData(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'ENODATA' || /ENODATA|No data available|not found/i.test(e?.message ?? '');
}

async function withFd<T>(files: OpenFiles, n: FsNode, fn: (p: string) => Promise<T>): Promise<T> {
  const fd = await files.openVerified(n);
  try {
    return await fn(n.abs);
  } finally {
    await closeP(fd).catch(() => undefined);
  }
}

/**
 * The blob, or an empty buffer when the object has none (symlinks and devices
 * never have one). Synchronous on the event loop, like the lstat of every
 * node: a getxattr of a cached inode takes microseconds, far less than the
 * thread-pool round trips an async version costs (about 250 us of CPU).
 */
export async function readIma(files: OpenFiles, n: FsNode, o: { handOff?: boolean } = {}): Promise<Buffer> {
  return readImaSync(files, n, o);
}

/**
 * readIma without a promise. `handOff`: the caller (a READDIR asking for
 * FATTR4_IMA, i.e. an audit) expects the client to read the file next, so a
 * small file's bytes are read through the same verified descriptor and kept
 * for that READ (OpenFiles.handOff).
 */
export function readImaSync(files: OpenFiles, n: FsNode, o: { handOff?: boolean } = {}): Buffer {
  if (!isReg(n.st) && !isDir(n.st)) return EMPTY;
  const since = Date.now();
  const { fd, st } = files.openVerifiedSyncStat(n);
  return readImaOpened(files, n, fd, st, { handOff: o.handOff, since });
}

/**
 * The blob of `n` while `fd`, a descriptor verified to be `n` inside the
 * export (fstat `st`), is open; closes `fd`. `since`: Date.now() from
 * before that fstat, which lets the value be kept in the ImaCache.
 */
export function readImaOpened(files: OpenFiles, n: FsNode, fd: number, st: BigIntStats, o: { handOff?: boolean; since?: number } = {}): Buffer {
  try {
    let blob = files.ima.get(n.key, st);
    if (blob === undefined) {
      try {
        blob = getAttributeSync(n.abs, IMA_XATTR) ?? EMPTY;
      } catch (err) {
        if (!noData(err)) throw fsErrorFrom(err, n.rel);
        blob = EMPTY;
      }
      if (o.since !== undefined && blob.length <= IMA_MAX && files.ima.admits(st, o.since) && samePath(n, st)) files.ima.put(n.key, st, blob, o.since);
    }
    if (o.handOff && isReg(st)) files.handOff(n, fd, st);
    return blob;
  } finally {
    closeQuietly(fd);
  }
}

/**
 * Whether `n`'s path still names the inode `st` describes. The xattr was read
 * by path while the verified descriptor was open: a rename over the path in
 * between would have given another inode's value, which must not be kept.
 */
function samePath(n: FsNode, st: BigIntStats): boolean {
  try {
    const now = lstatSync(n.abs, { bigint: true, throwIfNoEntry: false });
    return now !== undefined && now.ino === st.ino && now.dev === st.dev && now.birthtimeNs === st.birthtimeNs;
  } catch {
    return false; // e.g. ENOTDIR: a directory on the path was replaced
  }
}

/** draft §4.3: replaces the blob; an empty value removes it. */
export async function writeIma(files: OpenFiles, n: FsNode, blob: Buffer): Promise<void> {
  if (blob.length > IMA_MAX) throw new FsError('INVAL', `IMA metadata of ${blob.length} bytes exceeds ${IMA_MAX}`);
  if (!isReg(n.st)) throw new FsError('INVAL', `${n.rel || '/'}: IMA metadata is kept for regular files only`);
  await withFd(files, n, async (p) => {
    // The write moves ctime, so a kept value could not be used anyway.
    files.ima.delete(n.key);
    try {
      if (blob.length === 0) await removeAttribute(p, IMA_XATTR);
      else await setAttribute(p, IMA_XATTR, blob);
    } catch (err) {
      if (blob.length === 0 && noData(err)) return;
      throw fsErrorFrom(err, n.rel);
    }
  });
}
