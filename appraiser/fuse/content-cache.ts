/**
 * The verified-content cache: whole files as fetched and measured, stored on
 * disk under --cache-dir, named by their SHA-256 (content-addressed), bounded
 * by --cache-size with least-recently-used eviction. Reads are served from
 * here, so the bytes a process sees are exactly the bytes that were hashed.
 *
 * Each mount process owns a private run directory (mode 0700) and removes it on
 * exit; run directories of dead processes are removed at start. Nothing cached
 * is trusted across restarts: a verdict lives only as long as its process.
 *
 * Objects in use by an open file are pinned and never evicted.
 */
import { mkdir, open, readdir, rm, rename, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import { MountError } from './mount-error.js';
import { pidAlive } from './state-files.js';

const debug = debuglog('imafs:fuse:cache');

interface Entry {
  size: number;
  pins: number;
  /** Shared read descriptor, kept open across opens (an exec loop opens the same file over and over). */
  fh?: Promise<FileHandle>;
  /** fh's descriptor once it is open: later opens pin the object without waiting. */
  fd?: number;
}

/** Descriptors kept open for objects no file handle uses at the moment. */
const IDLE_FDS = 128;

/** An open cached object: read with fs.read(fd, ...); release() when done. */
export interface CachedObject {
  readonly id: string;
  readonly fd: number;
  readonly size: number;
  release(): Promise<void>;
  /** release() without a promise (FUSE RELEASE answers at once). */
  releaseNow(): void;
}

export interface CacheWriter {
  /** The temp file's descriptor, open for reading too (hashing reads written ranges back). */
  readonly fd: number;
  /**
   * Writes a chunk at `position`, or appends it when none is given (respects
   * disk backpressure by awaiting). Positioned writes may run concurrently.
   */
  write(chunk: Uint8Array, position?: number): Promise<void>;
  /** Stores the written bytes as object `id` (their SHA-256 hex). */
  commit(id: string): Promise<void>;
  /** Drops the written bytes and the reservation. */
  abort(): Promise<void>;
}

export class ContentCache {
  /** Objects in LRU order: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private used = 0;
  private openFds = 0;

  private constructor(readonly runDir: string, readonly maxBytes: number) {}

  static async open(opts: { dir: string; maxBytes: number }): Promise<ContentCache> {
    if (!(opts.maxBytes > 0)) throw new MountError('IMAFS_CONFIG', `cache size must be positive, got ${opts.maxBytes}`);
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    await removeDeadRuns(opts.dir);
    const runDir = join(opts.dir, `run-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(join(runDir, 'objects'), { recursive: true, mode: 0o700 });
    await mkdir(join(runDir, 'tmp'), { mode: 0o700 });
    return new ContentCache(runDir, opts.maxBytes);
  }

  get usedBytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  private objectPath(id: string): string {
    return join(this.runDir, 'objects', id);
  }

  /** Makes room for `size` bytes by evicting unpinned objects, oldest first. */
  private async makeRoom(size: number): Promise<void> {
    if (size > this.maxBytes) {
      throw new MountError('IMAFS_CACHE_FULL', `file of ${size} bytes is larger than the cache (${this.maxBytes} bytes)`);
    }
    for (const [id, e] of this.entries) {
      if (this.used + size <= this.maxBytes) break;
      if (e.pins > 0) continue;
      this.entries.delete(id);
      this.used -= e.size;
      this.closeFd(e);
      debug('evict %s (%d bytes)', id, e.size);
      await unlink(this.objectPath(id)).catch(() => undefined);
    }
    if (this.used + size > this.maxBytes) {
      throw new MountError('IMAFS_CACHE_FULL', `no room for ${size} bytes: ${this.used} of ${this.maxBytes} cache bytes are in use by open files`);
    }
  }

  /** Reserves `size` bytes and returns a writer for a new object. */
  async reserve(size: number): Promise<CacheWriter> {
    await this.makeRoom(size);
    this.used += size;
    const tmp = join(this.runDir, 'tmp', randomBytes(8).toString('hex'));
    const fh = await open(tmp, 'wx+', 0o600);
    let done = false;
    const release = (): void => {
      if (!done) this.used -= size;
      done = true;
    };
    return {
      fd: fh.fd,
      write: async (chunk, position) => {
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off, position === undefined ? null : position + off)).bytesWritten;
      },
      commit: async (id) => {
        await fh.close();
        release();
        if (this.entries.has(id)) {
          await unlink(tmp).catch(() => undefined);
          this.touch(id);
          return;
        }
        await this.makeRoom(size).catch(async (err) => {
          await unlink(tmp).catch(() => undefined);
          throw err;
        });
        await rename(tmp, this.objectPath(id));
        this.entries.set(id, { size, pins: 0 });
        this.used += size;
      },
      abort: async () => {
        release();
        await closeQuietly(fh);
        await unlink(tmp).catch(() => undefined);
      },
    };
  }

  private touch(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.entries.set(id, e);
  }

  /**
   * Pins object `id` without waiting when its descriptor is already open (the
   * common case: the same file opened again); undefined when it was evicted,
   * null when the descriptor still has to be opened (use openObject()).
   */
  openObjectNow(id: string): CachedObject | undefined | null {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (e.fd === undefined) return null;
    e.pins++;
    this.touch(id);
    return this.pinned(id, e, e.fd);
  }

  /** Opens and pins object `id`; undefined when it was evicted. */
  async openObject(id: string): Promise<CachedObject | undefined> {
    const now = this.openObjectNow(id);
    if (now !== null) return now;
    const e = this.entries.get(id)!;
    e.pins++;
    this.touch(id);
    if (!e.fh) {
      this.openFds++;
      const fh = open(this.objectPath(id), 'r');
      e.fh = fh;
      fh.then((h) => {
        if (e.fh === fh) e.fd = h.fd;
      }, () => {
        this.openFds--;
        if (e.fh === fh) e.fh = undefined;
      });
    }
    let fh: FileHandle;
    try {
      fh = await e.fh;
    } catch (err) {
      e.pins--;
      throw err;
    }
    return this.pinned(id, e, fh.fd);
  }

  private pinned(id: string, e: Entry, fd: number): CachedObject {
    let released = false;
    const releaseNow = (): void => {
      if (released) return;
      released = true;
      e.pins--;
      if (this.openFds > IDLE_FDS) this.closeIdleFds();
    };
    return { id, fd, size: e.size, releaseNow, release: async () => releaseNow() };
  }

  private closeFd(e: Entry): void {
    const fh = e.fh;
    if (!fh) return;
    e.fh = undefined;
    e.fd = undefined;
    this.openFds--;
    void fh.then(closeQuietly, () => undefined);
  }

  /** Closes the descriptors of the least recently used unpinned objects. */
  private closeIdleFds(): void {
    for (const e of this.entries.values()) {
      if (this.openFds <= IDLE_FDS / 2) break;
      if (e.pins === 0) this.closeFd(e);
    }
  }

  /** Removes the run directory (on unmount). */
  async destroy(): Promise<void> {
    for (const e of this.entries.values()) this.closeFd(e);
    this.entries.clear();
    this.used = 0;
    await rm(this.runDir, { recursive: true, force: true });
  }
}

async function closeQuietly(fh: FileHandle): Promise<void> {
  try {
    await fh.close();
  } catch {
    /* already closed */
  }
}

/** run-<pid>-<rand> directories whose process is gone are leftovers of a killed mount. */
async function removeDeadRuns(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = /^run-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    debug('removing stale %s', name);
    await rm(join(dir, name), { recursive: true, force: true });
  }
}
