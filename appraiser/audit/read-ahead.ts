/**
 * Read-ahead for an NFS audit: the small files a listing found are fetched
 * in batched COMPOUNDs (client readSmall) in the order the engine will
 * appraise them, a few COMPOUNDs in flight at all times, so the server always
 * has one to work on while the client hashes and verifies the files of
 * another. Without it the number of READs in flight followed the number of
 * appraising workers, and server and client took turns waiting for each
 * other.
 *
 * Bounded two ways: COMPOUNDs in flight, and files fetched beyond the last
 * one the engine has reached (its cursor), so memory stays at a few MiB
 * however large the tree. Only content is read ahead; FATTR4_IMA values are
 * never kept beyond their one use (draft §4.4). A file whose read fails keeps
 * its error as a value until asked for (a file the engine never asks for,
 * e.g. one its policy exempts, leaves no unhandled rejection).
 */
import type { NfsClient } from '../../client/nfs-client.js';

/** COMPOUNDs of read-ahead in flight at most. */
export const READ_AHEAD_COMPOUNDS = 8;
/** Files fetched (or being fetched) past the engine's cursor, at most. */
export const READ_AHEAD_FILES = 640;

const QUEUED = 0;
const SENT = 1;
const SETTLED = 2;

interface Waiter {
  resolve: (b: Buffer) => void;
  reject: (e: unknown) => void;
}

/** One file to read ahead: what readSmall needs, then its bytes or its error. */
export class AheadSlot {
  state = QUEUED;
  data: Buffer | undefined = undefined;
  err: unknown = undefined;
  failed = false;
  waiters: Waiter[] | undefined = undefined;
  constructor(
    readonly seq: number,
    readonly fh: Buffer,
    readonly size: number,
    readonly path: string,
  ) {}

  ok(b: Buffer): void {
    this.data = b;
    const ws = this.settle();
    if (ws) for (const w of ws) w.resolve(b);
  }

  fail(e: unknown): void {
    this.failed = true;
    this.err = e;
    const ws = this.settle();
    if (ws) for (const w of ws) w.reject(e);
  }

  /** Marks the slot settled; the waiters to answer, if any. */
  private settle(): Waiter[] | undefined {
    this.state = SETTLED;
    const ws = this.waiters;
    this.waiters = undefined;
    return ws;
  }
}

type Reader = Pick<NfsClient, 'readSmall' | 'smallBatchMaxFiles'>;

export class ReadAhead {
  private fifo: (AheadSlot | undefined)[] = [];
  private head = 0;
  private nextSeq = 0;
  /** Slots handed to readSmall so far (= seq of the next one to send). */
  private sent = 0;
  /** One past the highest seq the engine has reached. */
  private cursor = 0;
  private inFlight = 0;
  private closed = false;

  constructor(
    private readonly client: Reader,
    private readonly maxCompounds = READ_AHEAD_COMPOUNDS,
    private readonly maxAhead = READ_AHEAD_FILES,
  ) {}

  /** Queues a file (call in appraisal order); pump() starts the reads. */
  add(fh: Buffer, size: number, path: string): AheadSlot {
    const s = new AheadSlot(this.nextSeq++, fh, size, path);
    this.fifo.push(s);
    return s;
  }

  /** The engine has reached this file (its metadata is being appraised): the window moves on. */
  seen(s: AheadSlot): void {
    if (s.seq < this.cursor) return;
    this.cursor = s.seq + 1;
    this.pump();
  }

  /** The file's bytes (now if they came, else when they come); one use. */
  take(s: AheadSlot): Buffer | Promise<Buffer> {
    this.seen(s);
    if (s.state === SETTLED) return s.failed ? Promise.reject(s.err) : s.data!;
    return new Promise((resolve, reject) => {
      (s.waiters ??= []).push({ resolve, reject });
    });
  }

  /**
   * Sends batches from the head of the queue while the window allows a
   * whole batch (a batch per file the cursor moves would make COMPOUNDs of
   * one file) and fewer than maxCompounds are in flight.
   */
  pump(): void {
    if (this.closed) return;
    const max = Math.max(1, this.client.smallBatchMaxFiles);
    while (this.inFlight < this.maxCompounds && this.head < this.fifo.length) {
      const n = Math.min(max, this.fifo.length - this.head);
      if (this.sent + n - this.cursor > this.maxAhead) return;
      const batch = new Array<AheadSlot>(n);
      for (let i = 0; i < n; i++) {
        const s = this.fifo[this.head + i]!;
        this.fifo[this.head + i] = undefined;
        s.state = SENT;
        batch[i] = s;
      }
      this.head += n;
      this.sent += n;
      if (this.head > 4096 && this.head * 2 > this.fifo.length) {
        this.fifo.splice(0, this.head);
        this.head = 0;
      }
      this.send(batch);
    }
  }

  private send(batch: AheadSlot[]): void {
    this.inFlight++;
    this.client.readSmall(batch).then(
      (bufs) => {
        this.inFlight--;
        // The next COMPOUND goes out before the waiters run: the server works while this thread appraises.
        this.pump();
        for (let i = 0; i < batch.length; i++) batch[i].ok(bufs[i]);
      },
      // One file's error must not fail its batch mates: each is asked again alone (unless the source is closing).
      (err: unknown) => {
        this.inFlight--;
        this.pump();
        for (const s of batch) {
          if (this.closed) s.fail(err);
          else this.client.readSmall([s]).then((b) => s.ok(b[0]), (e: unknown) => s.fail(e));
        }
      },
    );
  }

  /** No more reads are started (those in flight still settle their slots). */
  close(): void {
    this.closed = true;
  }
}
