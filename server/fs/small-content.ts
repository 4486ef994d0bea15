/**
 * Hand-off of a small file's bytes from the attribute read that just opened
 * it to the READ that follows. A client that lists a directory asking for
 * FATTR4_IMA (`imafs audit`) reads each file next; without this, both
 * requests pay open + fstat + readlink + close of a verified descriptor, which
 * for a 2 KiB file costs several times the read itself.
 *
 * Never stale: an entry is taken only when the READ's node (lstat'ed in the
 * same COMPOUND) still has the identity, size, mtime and ctime the verified
 * descriptor's fstat had when the bytes were read; and only files whose ctime
 * was at least CTIME_AGE_MS old at that fstat are kept, so a write racing the
 * read, or a later one within the same coarse timestamp tick, always moves
 * ctime past the kept value (the kernel stamps ctime before it copies data).
 *
 * Bounded and short-lived: at most MAX_BYTES in all, entries of at most
 * MAX_FILE bytes, each used by one READ that reaches EOF and dropped after
 * 2-4 s anyway. When full, new entries are refused rather than old ones
 * evicted: the oldest are the next to be read.
 */
import type { BigIntStats } from 'node:fs';

/** Largest file whose bytes are handed off (a READ of it is one small reply). */
export const MAX_FILE = 64 * 1024;
const MAX_FILE_N = BigInt(MAX_FILE);
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_ENTRIES = 16_384;
/** Entries live between one and two periods; older ones are never served. */
const PERIOD_MS = 2000;
const CTIME_AGE_MS = 1000;

interface Entry {
  readonly data: Buffer;
  readonly ino: bigint;
  readonly dev: bigint;
  readonly gen: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly at: number;
}

/**
 * Two generations of entries, rotated every PERIOD_MS: expiry drops a whole
 * Map at once (deleting old entries one by one from the front of a Map
 * makes V8 step over their holes on every later scan).
 */
export class SmallContent {
  private cur = new Map<string, Entry>();
  private old = new Map<string, Entry>();
  private bytes = 0;
  private oldBytes = 0;
  private rotatedAt = Date.now();
  /** The newest ctime (ns) a file may have to be kept, computed for Date.now() = limitAt. */
  private ctimeLimit = 0n;
  private limitAt = -1;
  hits = 0;

  /** Whether bytes of a file with this fstat may be kept now. */
  wants(st: BigIntStats, now = Date.now()): boolean {
    if (st.size > MAX_FILE_N) return false;
    if (now !== this.limitAt) {
      this.limitAt = now;
      this.ctimeLimit = BigInt(now - CTIME_AGE_MS) * 1_000_000n;
    }
    if (st.ctimeNs > this.ctimeLimit) return false;
    this.rotate(now);
    return this.bytes + this.oldBytes + Number(st.size) <= MAX_BYTES && this.cur.size + this.old.size < MAX_ENTRIES;
  }

  /** Keeps `data`, read from a verified descriptor whose fstat (taken before the read) is `st`. */
  put(key: string, st: BigIntStats, data: Buffer, now = Date.now()): void {
    if (data.length !== Number(st.size)) return; // changed size under the read: not a consistent copy
    this.drop(key);
    this.cur.set(key, { data, ino: st.ino, dev: st.dev, gen: st.birthtimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, at: now });
    this.bytes += data.length;
  }

  /**
   * The kept bytes of the file `st` (a fresh lstat of the node) describes, or
   * undefined. The entry stays until a READ reaches its end; `take`: this READ
   * is the whole file, so the entry goes now (one lookup, not three).
   */
  get(key: string, st: BigIntStats, now = Date.now(), take = false): Buffer | undefined {
    let e = this.cur.get(key);
    const inCur = e !== undefined;
    if (e === undefined) e = this.old.get(key);
    if (e === undefined) return undefined;
    const fresh = now - e.at <= 2 * PERIOD_MS && e.ino === st.ino && e.dev === st.dev && e.gen === st.birthtimeNs && e.mtimeNs === st.mtimeNs && e.ctimeNs === st.ctimeNs && e.data.length === Number(st.size);
    if (!fresh || take) this.remove(key, e, inCur);
    if (!fresh) return undefined;
    this.hits++;
    return e.data;
  }

  drop(key: string): void {
    const e = this.cur.get(key);
    if (e) return this.remove(key, e, true);
    const o = this.old.get(key);
    if (o) this.remove(key, o, false);
  }

  /** Removes entry `e` of `key`, found in the current generation (`inCur`) or the old one. */
  private remove(key: string, e: Entry, inCur: boolean): void {
    if (inCur) {
      this.cur.delete(key);
      this.bytes -= e.data.length;
    } else {
      this.old.delete(key);
      this.oldBytes -= e.data.length;
    }
  }

  get size(): number {
    return this.cur.size + this.old.size;
  }

  /** Drops what has expired (a periodic sweep, so an idle server does not hold copies). */
  sweep(now = Date.now()): void {
    this.rotate(now);
  }

  private rotate(now: number): void {
    if (now - this.rotatedAt < PERIOD_MS) return;
    // Two periods without a put: everything is expired.
    const stale = now - this.rotatedAt >= 2 * PERIOD_MS;
    this.old = stale ? new Map() : this.cur;
    this.oldBytes = stale ? 0 : this.bytes;
    this.cur = new Map();
    this.bytes = 0;
    this.rotatedAt = now;
  }

  clear(): void {
    this.cur.clear();
    this.old.clear();
    this.bytes = 0;
    this.oldBytes = 0;
  }
}
