/**
 * Retry pacing for NFS4ERR_DELAY / NFS4ERR_GRACE and reconnects (RFC 8881
 * §15.1.1.3 asks the client to wait before retrying; the Linux client starts
 * at 100 ms and doubles up to a cap). A deadline bounds the whole effort so a
 * server that never recovers turns into an error, not a hang.
 */
export class Backoff {
  private next: number;
  private readonly deadline: number;

  constructor(
    private readonly firstMs = 100,
    private readonly maxMs = 2000,
    budgetMs = 120_000,
  ) {
    this.next = firstMs;
    this.deadline = Date.now() + budgetMs;
  }

  /** Whether time is left for another attempt. */
  get canRetry(): boolean {
    return Date.now() < this.deadline;
  }

  /** Waits the next interval (never past the deadline); false when the budget is spent. */
  async wait(): Promise<boolean> {
    const left = this.deadline - Date.now();
    if (left <= 0) return false;
    const ms = Math.min(this.next, left);
    this.next = Math.min(this.next * 2, this.maxMs);
    await new Promise((r) => setTimeout(r, ms));
    return true;
  }

  reset(): void {
    this.next = this.firstMs;
  }
}
