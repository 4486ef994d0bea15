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
import fs, { constants as fsc, promises as fsp, type BigIntStats } from 'node:fs';
import util from 'node:util';
import { BufferPool } from './buffer-pool.js';
import type { ExportFs, FsNode } from './export-fs.js';
import { FsError, fsErrorFrom } from './fs-error.js';
import { ImaCache } from './ima-cache.js';
import { SmallContent } from './small-content.js';

const debug = util.debuglog('imafs:server');
const readP = util.promisify(fs.read);
const SLOW_READ_MS = 8;
const SLOW_READS = 3;
const SLOW_PERIOD_MS = 10_000;
/** READs up to this size get their own small buffer instead of a pooled 1 MiB block. */
const SMALL_READ = 64 * 1024;
const fstatP = util.promisify(fs.fstat);
const closeP = util.promisify(fs.close);

/** close(2) now, ignoring a descriptor that is already closed. */
export function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    /* already closed */
  }
}

/** The release of a READ whose buffer belongs to nobody's pool. */
export const NO_RELEASE = (): void => undefined;

export interface ReadResult {
  data: Buffer;
  eof: boolean;
  release: () => void;
}

interface Entry {
  fd: number;
  users: number;
  dead: boolean;
}

export class OpenFiles {
  private readonly lru = new Map<string, Entry>();
  private readonly pool = new BufferPool(1 << 20);
  readonly small = new SmallContent();
  /** FATTR4_IMA values of unchanged inodes (ImaCache: why it is never stale). */
  readonly ima: ImaCache;
  /** Until this time (ms), reads go through the thread pool. */
  private asyncUntil = 0;
  private slowInARow = 0;

  constructor(private readonly exp: ExportFs, private readonly max = 128) {
    this.ima = new ImaCache(exp.ctimeDev);
  }

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
    return this.openVerifiedSyncStat(n).fd;
  }

  /** openVerifiedSync, also returning the descriptor's fstat. */
  openVerifiedSyncStat(n: FsNode): { fd: number; st: BigIntStats } {
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
      return { fd, st };
    } catch (err) {
      closeQuietly(fd);
      throw fsErrorFrom(err, n.rel);
    }
  }

  /**
   * Opens the path of a directory entry that was a regular file when listed,
   * without an lstat first: O_NOFOLLOW refuses a symlink, O_NONBLOCK keeps a
   * FIFO from blocking, and the fstat of the descriptor is the entry's stat.
   * The descriptor is proven inside the export as in openVerifiedSync.
   * undefined when the entry is not (or no longer) an openable regular file:
   * the caller then takes the lstat path, which reports what it is.
   */
  openEntrySync(abs: string): { fd: number; st: BigIntStats } | undefined {
    let fd: number;
    try {
      fd = fs.openSync(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    } catch {
      return undefined;
    }
    try {
      const st = fs.fstatSync(fd, { bigint: true });
      if ((Number(st.mode) & fsc.S_IFMT) === fsc.S_IFREG && this.exp.contains(fs.readlinkSync(`/proc/self/fd/${fd}`))) return { fd, st };
    } catch {
      /* fall through: the lstat path reports it */
    }
    closeQuietly(fd);
    return undefined;
  }

  /**
   * After an attribute read through the verified descriptor `fd` (fstat `st`):
   * keeps a small file's bytes for the READ that usually follows (see
   * SmallContent), so that READ needs no descriptor of its own.
   */
  handOff(n: FsNode, fd: number, st: BigIntStats): void {
    if (Date.now() < this.asyncUntil || !this.small.wants(st)) return;
    const size = Number(st.size);
    // One byte more than the size: a file that grew meanwhile is not kept.
    const buf = Buffer.allocUnsafe(size + 1);
    let got = 0;
    try {
      for (;;) {
        const ask = size + 1 - got;
        const k = fs.readSync(fd, buf, got, ask, got);
        got += k;
        if (got > size) return;
        // A short read of a regular file is its end: no second read(2) to see 0.
        // (Where it is not, e.g. FUSE, got < size and nothing is kept; a file
        // that changed after the fstat fails the READ's revalidation.)
        if (k < ask) break;
      }
    } catch {
      return; // the READ will report it
    }
    if (got === size) this.small.put(n.key, st, buf.subarray(0, size));
  }

  /** The live cached descriptor of `n`, made most recently used and given one more user; undefined on a miss. */
  private hit(n: FsNode): Entry | undefined {
    const hit = this.lru.get(n.key);
    if (!hit || hit.dead) return undefined;
    this.lru.delete(n.key);
    this.lru.set(n.key, hit);
    hit.users++;
    return hit;
  }

  private async acquire(n: FsNode): Promise<Entry> {
    const hit = this.hit(n);
    if (hit) return hit;
    const fd = await this.openVerified(n);
    const raced = this.lru.get(n.key);
    if (raced && !raced.dead) {
      this.closeFd(fd);
      raced.users++;
      return raced;
    }
    return this.insert(n.key, fd);
  }

  /** A new LRU entry (one user) for a verified descriptor; the least recently used beyond `max` are closed. */
  private insert(key: string, fd: number): Entry {
    const e: Entry = { fd, users: 1, dead: false };
    this.lru.set(key, e);
    while (this.lru.size > this.max) {
      const [k, old] = this.lru.entries().next().value!;
      this.lru.delete(k);
      old.dead = true;
      if (old.users === 0) this.closeFd(old.fd);
    }
    return e;
  }

  private release(e: Entry): void {
    e.users--;
    if (e.dead && e.users === 0) this.closeFd(e.fd);
  }

  /**
   * READ: up to `count` bytes at `offset`; eof when the read reaches the end of
   * the file. `release` returns the buffer to the pool: call it once the reply
   * holding `data` has been written (or dropped); it is NO_RELEASE when there
   * is nothing to return. Synchronous (no promise) unless reads are in
   * slow-disk mode.
   */
  read(n: FsNode, offset: bigint, count: number): ReadResult | Promise<ReadResult> {
    const size = n.st.size;
    if (offset >= size || count === 0) return { data: Buffer.alloc(0), eof: offset >= size, release: NO_RELEASE };
    const left = size - offset;
    const want = left < 0x1_0000_0000n ? Math.min(Number(left), count) : count;
    // The copy is used up once a READ reaches its end (a client reads a small file once).
    const whole = offset === 0n && want === Number(left);
    const kept = this.small.get(n.key, n.st, Date.now(), whole);
    if (kept) {
      if (whole) return { data: kept, eof: true, release: NO_RELEASE };
      // kept.length is the size (SmallContent.get checked it).
      const from = Number(offset);
      const end = from + want;
      const eof = end >= kept.length;
      if (eof) this.small.drop(n.key);
      return { data: kept.subarray(from, end), eof, release: NO_RELEASE };
    }
    if (Date.now() < this.asyncUntil) return this.readSlow(n, offset, want);
    const e = this.acquireNow(n);
    const { buf, release } = this.bufferFor(want);
    try {
      let got = 0;
      while (got < want) {
        const bytesRead = this.readAtNow(e.fd, buf, got, want - got, Number(offset) + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return this.result(n, offset, buf, got, want, release);
    } catch (err) {
      this.failed(n, e, release);
      throw fsErrorFrom(err, n.rel);
    } finally {
      this.release(e);
    }
  }

  /**
   * A pooled block is 1 MiB: handing one to each of the many small READs of a
   * batched COMPOUND drains the pool, and fresh 1 MiB blocks cost page faults
   * and external-memory GCs. Small reads take a small buffer.
   */
  private bufferFor(want: number): { buf: Buffer; release: () => void } {
    return want <= SMALL_READ ? { buf: Buffer.allocUnsafe(want), release: NO_RELEASE } : this.pool.take(want);
  }

  private result(n: FsNode, offset: bigint, buf: Buffer, got: number, want: number, release: () => void): ReadResult {
    const data = got === want ? buf : buf.subarray(0, got);
    return { data, eof: offset + BigInt(got) >= n.st.size, release };
  }

  private failed(n: FsNode, e: Entry, release: () => void): void {
    release();
    e.dead = true;
    if (this.lru.get(n.key) === e) this.lru.delete(n.key);
  }

  /** The thread-pool version of read, while the export reads slowly. */
  private async readSlow(n: FsNode, offset: bigint, want: number): Promise<ReadResult> {
    const e = await this.acquire(n);
    const { buf, release } = this.bufferFor(want);
    try {
      let got = 0;
      while (got < want) {
        const bytesRead = (await readP(e.fd, buf, got, want - got, Number(offset) + got)).bytesRead;
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return this.result(n, offset, buf, got, want, release);
    } catch (err) {
      this.failed(n, e, release);
      throw fsErrorFrom(err, n.rel);
    } finally {
      this.release(e);
    }
  }

  /** acquire without the thread pool: an LRU hit, or a synchronously verified open. */
  private acquireNow(n: FsNode): Entry {
    return this.hit(n) ?? this.insert(n.key, this.openVerifiedSync(n));
  }

  /** A synchronous read, timed: SLOW_READS slow ones in a row switch reads to the thread pool. */
  private readAtNow(fd: number, buf: Buffer, at: number, len: number, pos: number): number {
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
    if (e.users === 0) this.closeFd(e.fd);
  }

  /**
   * close(2) of a local file's descriptor takes a microsecond or two; through
   * the thread pool it costs ~20 us of CPU. Only while reads are slow (the
   * export may sit on a device or network filesystem whose close flushes or
   * blocks) does it go to the pool.
   */
  private closeFd(fd: number): void {
    if (Date.now() < this.asyncUntil) void closeP(fd).catch(() => undefined);
    else closeQuietly(fd);
  }

  async closeAll(): Promise<void> {
    debug('closing: %d small-content hits, %d FATTR4_IMA cache hits (%d kept)', this.small.hits, this.ima.hits, this.ima.size);
    for (const k of [...this.lru.keys()]) this.forget(k);
    this.small.clear();
    this.ima.clear();
  }
}
