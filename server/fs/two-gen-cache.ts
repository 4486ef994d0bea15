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
 */
export class TwoGenCache<K, V> {
  private cur = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly max: number) {
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
    if (this.cur.size >= this.max && !this.cur.has(k)) {
      this.old = this.cur;
      this.cur = new Map();
    }
    this.cur.set(k, v);
  }

  delete(k: K): void {
    this.cur.delete(k);
    this.old.delete(k);
  }

  /** Entries held (both generations; a key is in at most one). */
  get size(): number {
    return this.cur.size + this.old.size;
  }

  clear(): void {
    this.cur.clear();
    this.old.clear();
  }
}
