/**
 * A bounded cache with O(1) operations: two Maps, the current generation
 * and the previous one. Lookups promote from the previous; when the current
 * holds `max` entries it becomes the previous and the old previous is
 * dropped whole. So at most 2 x max entries, and anything used within the
 * last `max` insertions survives.
 *
 * Why not one Map evicting `keys().next()`: V8 leaves a hole for each
 * deleted entry until the table is rebuilt, and iteration from the front
 * steps over all of them, so a Map used as a FIFO of a few thousand entries
 * spent ~10 us per eviction (measured: a READDIR entry's file handle cost
 * 13 us, of which the MAC was 2).
 *
 * `weigh`, when given, also bounds each generation by the summed weight of
 * its values (e.g. bytes): a new key that would pass `weigh.max` starts a
 * new generation, like one that would pass `max` entries.
 */
export class TwoGenCache<K, V> {
  private cur = new Map<K, V>();
  private old = new Map<K, V>();
  /** Summed weight of the current generation's values. */
  private weight = 0;

  constructor(
    private readonly max: number,
    private readonly weigh?: { of: (v: V) => number; max: number },
  ) {
    if (!(max >= 1)) throw new RangeError('TwoGenCache: max must be at least 1');
  }

  get(k: K): V | undefined {
    const v = this.cur.get(k);
    if (v !== undefined) return v;
    const o = this.old.get(k);
    if (o !== undefined) {
      this.old.delete(k);
      this.set(k, o);
    }
    return o;
  }

  set(k: K, v: V): void {
    const w = this.weigh ? this.weigh.of(v) : 0;
    const prev = this.cur.get(k);
    if (prev !== undefined) {
      if (this.weigh) this.weight -= this.weigh.of(prev);
    } else {
      // A stale copy in the previous generation must not linger (nor count).
      this.old.delete(k);
      if (this.cur.size >= this.max || (this.weigh !== undefined && this.weight + w > this.weigh.max)) {
        this.old = this.cur;
        this.cur = new Map();
        this.weight = 0;
      }
    }
    this.cur.set(k, v);
    this.weight += w;
  }

  delete(k: K): void {
    const v = this.cur.get(k);
    if (v !== undefined) {
      this.cur.delete(k);
      if (this.weigh) this.weight -= this.weigh.of(v);
    } else this.old.delete(k);
  }

  /** Entries held (both generations; a key is in at most one). */
  get size(): number {
    return this.cur.size + this.old.size;
  }

  clear(): void {
    this.cur.clear();
    this.old.clear();
    this.weight = 0;
  }
}
