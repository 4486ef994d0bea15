/**
 * Keeps the client's lease alive while the API is idle (RFC 8881 §8.3: any
 * SEQUENCE renews it). Every lease/3 seconds it checks whether anything was
 * sent in the last lease/3; only then does it send a SEQUENCE-only compound.
 * A third leaves two more chances before the server expires us, even if one
 * renewal is lost to a reconnect. The timer is unref'd: a forgotten client
 * does not keep the process alive.
 */
export class LeaseRenewer {
  private timer: NodeJS.Timeout | undefined;
  private last = Date.now();
  private periodMs = 30_000;
  private running = false;

  constructor(private readonly renew: () => Promise<void>) {}

  /** Something was sent: the lease is fresh. */
  touch(): void {
    this.last = Date.now();
  }

  start(leaseSeconds: number): void {
    this.stop();
    this.periodMs = Math.max(1000, Math.floor((leaseSeconds * 1000) / 3));
    this.timer = setInterval(() => void this.tick(), this.periodMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || Date.now() - this.last < this.periodMs) return;
    this.running = true;
    try {
      await this.renew();
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
