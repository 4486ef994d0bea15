/**
 * Verified file descriptors for reading file content and xattrs.
 *
 * A descriptor is opened with O_NOFOLLOW, then checked with fstat to be the
 * very inode of the handle and, through /proc/self/fd, to lie inside the
 * export: a path component swapped for a symlink between LOOKUP and OPEN is
 * caught here. READ keeps descriptors in a small LRU so a 1 MiB-per-READ
 * stream does not open the file 256 times; data is read into a pooled
 * buffer that goes to the socket by reference.
 *
 * READ reads synchronously on the event loop while reads are fast: for a
 * page-cached software share, a 1 MiB copy takes ~0.1 ms and a hop to the
 * libuv thread pool and back costs more than that (and a second core's
 * worth of wake-ups). SLOW_READS reads in a row slower than SLOW_READ_MS
 * mean the data comes from a real disk (one slow read may just be the
 * scheduler); then reads go to the thread pool for SLOW_PERIOD_MS so one
 * client's cold reads cannot stall the others for long.
 */
import fs, { constants as fsc, promises as fsp } from 'node:fs';
import util from 'node:util';
import { BufferPool } from './buffer-pool.js';
import type { ExportFs, FsNode } from './export-fs.js';
import { FsError, fsErrorFrom } from './fs-error.js';

const readP = util.promisify(fs.read);
const SLOW_READ_MS = 8;
const SLOW_READS = 3;
const SLOW_PERIOD_MS = 10_000;
/** READs up to this size get their own small buffer instead of a pooled 1 MiB block. */
const SMALL_READ = 64 * 1024;
const fstatP = util.promisify(fs.fstat);
const closeP = util.promisify(fs.close);

interface Entry {
  fd: number;
  users: number;
  dead: boolean;
}

export class OpenFiles {
  private readonly lru = new Map<string, Entry>();
  private readonly pool = new BufferPool(1 << 20);
  /** Until this time (ms), reads go through the thread pool. */
  private asyncUntil = 0;
  private slowInARow = 0;

  constructor(private readonly exp: ExportFs, private readonly max = 128) {}

  /** Opens `n` and proves the descriptor is `n` inside the export. The caller closes it. */
  async openVerified(n: FsNode): Promise<number> {
    let fd: number;
    try {
      fd = await util.promisify(fs.open)(n.abs, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    } catch (err) {
      throw fsErrorFrom(err, n.rel);
    }
    try {
      const st = await fstatP(fd, { bigint: true });
      if (st.dev !== n.id.dev || st.ino !== n.id.ino) throw new FsError('STALE', `${n.rel} changed while opening`);
      const real = await fsp.readlink(`/proc/self/fd/${fd}`);
      if (!this.exp.contains(real)) throw new FsError('STALE', `${n.rel} resolves outside the export`);
      return fd;
    } catch (err) {
      await closeP(fd).catch(() => undefined);
      throw fsErrorFrom(err, n.rel);
    }
  }

  /**
   * The same checks without thread-pool hops, for metadata reads (FATTR4_IMA):
   * open, fstat and readlink of a cached dentry take microseconds each, while
   * each async round trip costs tens (five of them made a GETATTR of
   * FATTR4_IMA cost ~250 us of server CPU).
   */
  openVerifiedSync(n: FsNode): number {
    let fd: number;
    try {
      fd = fs.openSync(n.abs, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    } catch (err) {
      throw fsErrorFrom(err, n.rel);
    }
    try {
      const st = fs.fstatSync(fd, { bigint: true });
      if (st.dev !== n.id.dev || st.ino !== n.id.ino) throw new FsError('STALE', `${n.rel} changed while opening`);
      if (!this.exp.contains(fs.readlinkSync(`/proc/self/fd/${fd}`))) throw new FsError('STALE', `${n.rel} resolves outside the export`);
      return fd;
    } catch (err) {
      try { fs.closeSync(fd); } catch { /* already closed */ }
      throw fsErrorFrom(err, n.rel);
    }
  }

  private async acquire(n: FsNode): Promise<Entry> {
    const hit = this.lru.get(n.key);
    if (hit && !hit.dead) {
      this.lru.delete(n.key);
      this.lru.set(n.key, hit);
      hit.users++;
      return hit;
    }
    // Same verification either way; the sync one skips three thread-pool hops,
    // which dominate the cost of a small file's only READ (see openVerifiedSync).
    const fd = Date.now() < this.asyncUntil ? await this.openVerified(n) : this.openVerifiedSync(n);
    const raced = this.lru.get(n.key);
    if (raced && !raced.dead) {
      await closeP(fd).catch(() => undefined);
      raced.users++;
      return raced;
    }
    const e: Entry = { fd, users: 1, dead: false };
    this.lru.set(n.key, e);
    while (this.lru.size > this.max) {
      const [k, old] = this.lru.entries().next().value!;
      this.lru.delete(k);
      old.dead = true;
      if (old.users === 0) void closeP(old.fd).catch(() => undefined);
    }
    return e;
  }

  private release(e: Entry): void {
    e.users--;
    if (e.dead && e.users === 0) void closeP(e.fd).catch(() => undefined);
  }

  /**
   * READ: up to `count` bytes at `offset`; eof when the read reaches the end of
   * the file. `release` returns the buffer to the pool: call it once the reply
   * holding `data` has been written (or dropped).
   */
  async read(n: FsNode, offset: bigint, count: number): Promise<{ data: Buffer; eof: boolean; release: () => void }> {
    const size = n.st.size;
    const none = (): void => undefined;
    if (offset >= size || count === 0) return { data: Buffer.alloc(0), eof: offset >= size, release: none };
    const want = Number(size - offset < BigInt(count) ? size - offset : BigInt(count));
    const e = await this.acquire(n);
    // A pooled block is 1 MiB: handing one to each of the many small READs
    // of a batched COMPOUND drains the pool, and fresh 1 MiB blocks cost page
    // faults and external-memory GCs. Small reads take a small buffer.
    const { buf, release } = want <= SMALL_READ ? { buf: Buffer.allocUnsafe(want), release: none } : this.pool.take(want);
    try {
      let got = 0;
      while (got < want) {
        const bytesRead = await this.readAt(e.fd, buf, got, want - got, Number(offset) + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      const data = got === want ? buf : buf.subarray(0, got);
      return { data, eof: offset + BigInt(got) >= size, release };
    } catch (err) {
      release();
      e.dead = true;
      this.lru.delete(n.key);
      throw fsErrorFrom(err, n.rel);
    } finally {
      this.release(e);
    }
  }

  private async readAt(fd: number, buf: Buffer, at: number, len: number, pos: number): Promise<number> {
    if (Date.now() < this.asyncUntil) return (await readP(fd, buf, at, len, pos)).bytesRead;
    const t0 = process.hrtime.bigint();
    const n = fs.readSync(fd, buf, at, len, pos);
    if (Number(process.hrtime.bigint() - t0) <= SLOW_READ_MS * 1e6) this.slowInARow = 0;
    else if (++this.slowInARow >= SLOW_READS) {
      this.slowInARow = 0;
      this.asyncUntil = Date.now() + SLOW_PERIOD_MS;
    }
    return n;
  }

  /** Drops a file's cached descriptor (its content or identity changed). */
  forget(key: string): void {
    const e = this.lru.get(key);
    if (!e) return;
    this.lru.delete(key);
    e.dead = true;
    if (e.users === 0) void closeP(e.fd).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    for (const k of [...this.lru.keys()]) this.forget(k);
  }
}
