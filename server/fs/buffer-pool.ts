/**
 * Reusable READ buffers. A fresh 1 MiB Buffer per READ costs more than the
 * read itself: the kernel's copy into never-touched memory page-faults 256
 * times. Buffers come back to the pool once the socket has written the
 * reply that references them (Connection's write callback), so a READ
 * stream cycles through a few warm buffers. The pool keeps at most `keep`
 * idle buffers; under load it simply allocates more and drops the extras.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(readonly size: number, private readonly keep = 32) {}

  /** A buffer of at least `n` bytes (a pooled block when n fits one) and its release function. */
  take(n: number): { buf: Buffer; release: () => void } {
    if (n > this.size) return { buf: Buffer.allocUnsafe(n), release: () => undefined };
    const block = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    let done = false;
    return {
      buf: block.subarray(0, n),
      release: () => {
        if (done) return;
        done = true;
        if (this.free.length < this.keep) this.free.push(block);
      },
    };
  }

  get idle(): number {
    return this.free.length;
  }
}
