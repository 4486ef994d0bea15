/**
 * A metadata cache for FATTR4_IMA (like nfs-ganesha's mdcache): the
 * `security.ima` blob of an inode, keyed by what every change of it moves.
 * A getxattr through @napi-rs/xattr costs about 7 us (two path walks and a
 * native buffer); an audit asks for the blob of every file each time it runs.
 *
 * Never stale, because:
 * - setxattr and removexattr set the inode's ctime to the current time
 *   (ext4, xfs, btrfs, tmpfs, f2fs, overlayfs' upper layer: `trustsCtime`);
 *   so do writes, truncation, chmod, link count changes;
 * - a blob is kept only when the ctime its verified descriptor showed was at
 *   least AGE_MS old when the caller started (`since`, taken before the
 *   fstat). Any change after that fstat gets a ctime of at least
 *   `since` - one coarse clock tick > the kept ctime, so a value read while
 *   it changed is filed under a ctime nobody will see again;
 * - an entry is used only when a fresh stat of the inode shows the same
 *   (dev, ino, birth time, ctime ns, size): a new inode reusing the number
 *   has another birth time or a newer ctime;
 * - the wall clock stepping back could let a later change reuse an old
 *   ctime: a step of less than AGE_MS cannot, a bigger one (the wall clock
 *   losing on the monotonic clock) empties the cache, and a fill is kept
 *   only if it took less than SLOW_MS of wall time (a step inside it would
 *   be no larger).
 *
 * Bounded: two generations (TwoGenCache) of at most MAX_ENTRIES / 2 entries
 * and MAX_BYTES / 2 bytes of blobs each; the older generation is dropped whole.
 */
import type { BigIntStats } from 'node:fs';
import { TwoGenCache } from './two-gen-cache.js';

const AGE_MS = 1000;
/** A wall-clock step back beyond this empties the cache (less cannot reuse a kept ctime). */
const STEP_MS = 500;
/** A fill that took longer than this (descheduled?) is not kept. */
const SLOW_MS = 100;
const MAX_ENTRIES = 65_536;
const MAX_BYTES = 16 * 1024 * 1024;

interface Entry {
  readonly gen: bigint;
  readonly ctimeNs: bigint;
  readonly size: bigint;
  readonly blob: Buffer;
}

/** statfs(2) f_type of filesystems whose setxattr moves ctime (linux/magic.h). */
const CTIME_TRUSTED: ReadonlySet<number> = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0xf2f52010, // f2fs
  0x794c7630, // overlayfs
]);

export function trustsCtime(fsType: number | bigint): boolean {
  return CTIME_TRUSTED.has(Number(fsType));
}

export class ImaCache {
  private readonly entries = new TwoGenCache<string, Entry>(MAX_ENTRIES / 2, { of: (e) => e.blob.length, max: MAX_BYTES / 2 });
  /** The largest (wall - monotonic) clock offset seen, in ms. */
  private offset = Date.now() - performance.now();
  hits = 0;

  /**
   * `dev`: the only device whose inodes are cached (the export's, when its
   * filesystem `trustsCtime`); undefined disables the cache.
   */
  constructor(private readonly dev: bigint | undefined) {}

  get enabled(): boolean {
    return this.dev !== undefined;
  }

  /** The kept blob of inode `key` when `st` (a fresh stat of it) shows it unchanged; shared, never to be modified. */
  get(key: string, st: BigIntStats): Buffer | undefined {
    if (this.dev === undefined || st.dev !== this.dev) return undefined;
    this.checkClock();
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.ctimeNs !== st.ctimeNs || e.gen !== st.birthtimeNs || e.size !== st.size) {
      this.entries.delete(key);
      return undefined;
    }
    this.hits++;
    return e.blob;
  }

  /**
   * Keeps `blob`, read while a descriptor verified to be inode `key` (fstat
   * `st`) was open; `since`: Date.now() before that fstat.
   */
  put(key: string, st: BigIntStats, blob: Buffer, since: number): void {
    if (!this.admits(st, since)) return;
    this.checkClock();
    this.entries.set(key, { gen: st.birthtimeNs, ctimeNs: st.ctimeNs, size: st.size, blob });
  }

  /** Whether a blob read under fstat `st` (taken after Date.now() was `since`) may be kept. */
  admits(st: BigIntStats, since: number): boolean {
    if (this.dev === undefined || st.dev !== this.dev) return false;
    // A clock step between `since` and now could be up to the elapsed time:
    // only a short, forward interval bounds it.
    const now = Date.now();
    if (now < since || now - since > SLOW_MS) return false;
    return st.ctimeNs <= BigInt(since - AGE_MS) * 1_000_000n;
  }

  /** Forgets inode `key` (its blob was just set or removed through this server). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private checkClock(): void {
    const now = Date.now() - performance.now();
    if (now > this.offset) this.offset = now;
    else if (now < this.offset - STEP_MS) {
      this.clear();
      this.offset = now;
    }
  }
}
