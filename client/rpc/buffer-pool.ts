/**
 * Record buffers for large replies, reused when their owner says so.
 *
 * A 1 MiB READ reply needs a 1 MiB record buffer. Allocating a fresh one per
 * reply costs an mmap, 256 page faults and later a munmap plus GC pressure
 * from external memory: at 1 GiB/s that is most of the client's system time.
 * A consumer that is done with a READ's data (e.g. `imafs cat` once stdout has
 * taken it) hands it back with `recycle()`, and the next large record reuses
 * the memory. Data never recycled is simply garbage-collected, so the pool is
 * an optimisation only: correctness never depends on it.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  private readonly mine = new WeakSet<ArrayBuffer>();

  constructor(
    /** Records at least this large come from the pool. */
    readonly minSize = 256 * 1024,
    /** Every pooled buffer has this capacity (the largest reply we accept). */
    readonly capacity = 5 * 1024 * 1024,
    /** Free buffers kept at most. */
    readonly maxFree = 32,
  ) {}

  /** A buffer of exactly `size` bytes (uninitialised). */
  take(size: number): Buffer {
    if (size < this.minSize || size > this.capacity) return Buffer.allocUnsafe(size);
    const ab = this.free.pop() ?? this.fresh();
    return Buffer.from(ab, 0, size);
  }

  private fresh(): ArrayBuffer {
    // Uninitialised: every byte handed out is overwritten by a socket read first.
    const ab = Buffer.allocUnsafeSlow(this.capacity).buffer as ArrayBuffer;
    this.mine.add(ab);
    return ab;
  }

  /**
   * Returns the memory behind `view` (any Buffer into a pooled record) for
   * reuse. The caller promises it no longer uses any view into that record.
   * Views into non-pooled memory are ignored; recycling twice is ignored.
   */
  recycle(view: Uint8Array): void {
    const ab = view.buffer;
    if (!(ab instanceof ArrayBuffer) || !this.mine.has(ab)) return;
    if (this.free.length >= this.maxFree || this.free.includes(ab)) return;
    this.free.push(ab);
  }

  /** Whether `view` lies in pooled memory (which a recycle() may hand to a later reply). */
  owns(view: Uint8Array): boolean {
    return view.buffer instanceof ArrayBuffer && this.mine.has(view.buffer);
  }

  get freeCount(): number {
    return this.free.length;
  }
}
