/**
 * The fore-channel slot table of one NFSv4.1 session (RFC 8881 §2.10.6.1).
 *
 * Each slot carries the sequence ID of its next request. A request holds its
 * slot from send until reply; the reply's SEQUENCE result says how far to go:
 *   - sr_highest_slotid: the highest slot the server will still accept; slots
 *     above it are dropped from the table at once;
 *   - sr_target_highest_slotid: the server's wish; new requests only take slots
 *     at or below it (in-flight requests above it may finish).
 * A request whose reply was lost (timeout, dropped connection) leaves its slot
 * "in doubt": the server may or may not have run it. The next request on that
 * slot keeps the same sequence ID; the session layer resolves the doubt when
 * the server answers (RFC 8881 §2.10.6.2).
 */

export interface Slot {
  readonly id: number;
  /** Sequence ID to send with the next request on this slot. */
  seqid: number;
  /** The last request on this slot got no reply; its fate on the server is unknown. */
  inDoubt: boolean;
  busy: boolean;
  /** The table generation (session) the slot belongs to. */
  readonly gen: number;
}

export class SlotTable {
  private slots: Slot[];
  /** Highest slot new requests may take (the server's target, within our table). */
  private target: number;
  private readonly waiters: ((s: Slot) => void)[] = [];
  private gen = 0;

  /** `maxRequests` is ca_maxrequests granted by CREATE_SESSION. */
  constructor(maxRequests: number) {
    this.slots = [];
    this.target = 0;
    this.reset(maxRequests);
  }

  /**
   * A new session: fresh slots, all expecting sequence ID 1 (RFC 8881
   * §2.10.6.1). Waiters stay queued; slots still held from the old session
   * are ignored when released.
   */
  reset(maxRequests: number): void {
    const n = Math.max(1, Math.min(maxRequests, 1024));
    const gen = ++this.gen;
    this.slots = Array.from({ length: n }, (_, id) => ({ id, seqid: 1, inDoubt: false, busy: false, gen }));
    this.target = n - 1;
    this.wake();
  }

  /** Whether a slot still belongs to the current session's table. */
  isCurrent(s: Slot): boolean {
    return s.gen === this.gen && this.slots[s.id] === s;
  }

  get size(): number {
    return this.slots.length;
  }

  get targetHighestSlotId(): number {
    return this.target;
  }

  /** The highest slot ID in use, sent as sa_highest_slotid. */
  highestInUse(): number {
    let h = 0;
    for (const s of this.slots) if (s.busy && s.id > h) h = s.id;
    return h;
  }

  get busyCount(): number {
    let n = 0;
    for (const s of this.slots) if (s.busy) n++;
    return n;
  }

  private free(): Slot | undefined {
    for (let i = 0; i <= this.target && i < this.slots.length; i++) {
      const s = this.slots[i];
      if (!s.busy) return s;
    }
    return undefined;
  }

  /** The lowest free slot at or below the target, taken now, or undefined when all are busy. */
  tryAcquire(): Slot | undefined {
    const s = this.free();
    if (s) s.busy = true;
    return s;
  }

  /** Waits for the lowest free slot at or below the target. */
  acquire(): Promise<Slot> {
    const s = this.tryAcquire();
    if (s) return Promise.resolve(s);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Returns a slot after its request ended. `advanced` is true when the server
   * processed our SEQUENCE (the next request uses seqid + 1).
   */
  release(s: Slot, advanced: boolean): void {
    if (!this.isCurrent(s)) {
      this.wake();
      return;
    }
    if (advanced) {
      s.seqid = (s.seqid + 1) >>> 0;
      s.inDoubt = false;
    }
    s.busy = false;
    this.wake();
  }

  /** Applies sr_highest_slotid and sr_target_highest_slotid from a SEQUENCE reply. */
  update(highestSlotId: number, targetHighestSlotId: number): void {
    if (highestSlotId + 1 < this.slots.length) {
      // Slots above sr_highest_slotid are gone; keep the objects of busy ones
      // alive for their holders but never hand them out again.
      this.slots = this.slots.slice(0, Math.max(1, highestSlotId + 1));
    }
    this.target = Math.max(0, Math.min(targetHighestSlotId, this.slots.length - 1));
    this.wake();
  }

  /** NFS4ERR_BADSLOT for `id`: the server has fewer slots than we thought. */
  shrinkBelow(id: number): boolean {
    if (id === 0) return false;
    this.update(id - 1, Math.min(this.target, id - 1));
    return true;
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const s = this.free();
      if (!s) return;
      s.busy = true;
      this.waiters.shift()!(s);
    }
  }

}
