import { closeSync, lstatSync, opendirSync, openSync, readSync } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type AuditEntry, type AuditSource, type EntryType, joinPath } from './audit-source.js';

const MAX_CHUNK = 1024 * 1024;
/**
 * Files up to this size are read with synchronous calls, like server/fs's
 * lstat: for a file in the page cache open+read+close take microseconds, while
 * three thread-pool round trips cost ~140 µs, which made a 10,000-file audit
 * spend most of its time waiting on libuv. Larger files stream asynchronously
 * so the event loop never blocks on a long read.
 */
const SYNC_READ_MAX = 64 * 1024;

/**
 * Reads a file's security.ima; null when absent. Injected: the appraiser's
 * xattr helper. May answer synchronously: getxattr on a cached inode takes
 * microseconds, while an async call through the thread pool costs ~40 µs of
 * CPU per file, most of a small file's audit.
 */
export type XattrReader = (absPath: string) => Buffer | null | Promise<Buffer | null>;

function typeOf(st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * A local directory as an audit source. Symlinks are reported, never followed
 * (like the NFS walk, which sees them as symlinks too), so a link cannot make
 * the audit leave the tree or visit a file twice.
 */
export class LocalSource implements AuditSource {
  readonly imaSupported = true;
  private base: string;

  constructor(dir: string, private readonly readXattr: XattrReader) {
    this.base = resolve(dir);
  }

  private abs(e: AuditEntry): string {
    return e.path === '' ? this.base : join(this.base, e.path);
  }

  /** The root is followed if it is a symlink: the user named it, and skipping it would pass an audit of nothing. */
  async root(): Promise<AuditEntry> {
    // The xattr helper does not follow symlinks (lgetxattr), so resolve the root once here.
    if ((await lstat(this.base)).isSymbolicLink()) this.base = await realpath(this.base);
    const st = await stat(this.base);
    return { path: '', type: typeOf(st), size: st.size, mode: st.mode };
  }

  async list(dir: AuditEntry): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    // Synchronous for the same reason as small reads: a cached directory and
    // its inodes answer in microseconds, a thread-pool round trip per entry
    // costs more than the entry's whole appraisal.
    const d = opendirSync(this.abs(dir), { bufferSize: 256 });
    try {
      for (let ent = d.readSync(); ent !== null; ent = d.readSync()) {
        const path = joinPath(dir.path, ent.name);
        const st = lstatSync(join(this.base, path));
        out.push({ path, type: typeOf(st), size: st.size, mode: st.mode });
      }
    } finally {
      d.closeSync();
    }
    return out;
  }

  async readIma(file: AuditEntry): Promise<Buffer> {
    return (await this.readXattr(this.abs(file))) ?? Buffer.alloc(0);
  }

  /** The whole content of a small file in one synchronous read; null for a large (or grown) file: stream it. */
  readWhole(file: AuditEntry): Buffer | null {
    return file.size <= SYNC_READ_MAX ? readSmall(this.abs(file), file.size) : null;
  }

  /**
   * Reads through one FileHandle in chunks sized to the file (at most 1 MiB):
   * a small file costs one buffer of its own size instead of a 256 KiB stream
   * buffer, which matters for the garbage collector when auditing thousands
   * of small files. Reads until EOF, so a file that grew since lstat is
   * measured as it is now.
   */
  async *read(file: AuditEntry): AsyncIterable<Buffer> {
    const small = this.readWhole(file);
    if (small) {
      yield small;
      return;
    }
    const fh = await open(this.abs(file), 'r');
    try {
      const chunk = Math.max(4096, Math.min(file.size + 1, MAX_CHUNK));
      let pos = 0;
      for (;;) {
        const buf = Buffer.allocUnsafe(chunk);
        const { bytesRead } = await fh.read(buf, 0, chunk, pos);
        if (bytesRead === 0) return;
        pos += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await fh.close();
    }
  }

  async close(): Promise<void> {
    // Nothing held open between calls.
  }
}

/** The whole file if it still fits in `size + 1` bytes' worth of reads, else null (it grew: stream it). */
function readSmall(path: string, size: number): Buffer | null {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) return buf.subarray(0, n);
      n += got;
      if (n === buf.length) return null;
    }
  } finally {
    closeSync(fd);
  }
}
