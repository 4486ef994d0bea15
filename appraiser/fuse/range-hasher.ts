/**
 * Hashing a large fetch off the JS thread. While a big file is fetched, the
 * JS thread receives READ replies and writes them to the cache file; hashing
 * the same bytes there too (SHA-256 runs at about 1.3 GB/s here) made the JS
 * thread the bottleneck of every cold open. Instead each piece of the file is
 * copied into a slot of a shared ring (SharedArrayBuffer), written to the
 * cache file FROM THAT SLOT, and hashed FROM THAT SLOT by one hashing thread
 * (hash-worker.ts). A slot is reused only after both its write and its hash
 * are done, so the bytes in the cache file at [pos, pos+len) are the very
 * bytes the digest consumed, in file order: the copy that will be served is
 * the one that was measured, without reading 256 MiB back from the cache file
 * (which cost the hashing thread about 55 ms per 256 MiB, a fifth of its time).
 *
 * The thread is started with the mount (startHashThread(): about 35 ms and
 * 11 MiB of RSS): started by the first big fetch instead, its start-up stalled
 * that fetch once the ring was full.
 */
import { Worker } from 'node:worker_threads';
import { debuglog } from 'node:util';

const debug = debuglog('imafs:fuse:hash');

/** JS thread -> hashing thread; one job's messages arrive in order. */
export type HashRequest =
  | { op: 'start'; id: number; algos: string[]; ring: SharedArrayBuffer; slotSize: number }
  | { op: 'data'; id: number; slot: number; len: number }
  | { op: 'end'; id: number }
  | { op: 'drop'; id: number }
  /** Answered at once: the thread has loaded and listens. */
  | { op: 'ping'; id: number };

/**
 * Hashing thread -> JS thread: `hashed` after each 'data' (that slot may be
 * reused), or the answer to 'end' (digests or error) or 'drop'.
 */
export interface HashReply {
  id: number;
  hashed?: number;
  digests?: Uint8Array[];
  error?: string;
}

export interface RangeHasher {
  /**
   * Copies `src` (the next bytes of the file) into free slots, hands each
   * slot's bytes to `write` (which must write exactly them, at `pos` plus
   * their offset in `src`) and queues them for hashing. Resolves once `src`
   * is copied: the caller may reuse `src` then. Backpressure: waits for free
   * slots.
   */
  add(src: Uint8Array, write: (bytes: Buffer, offset: number) => Promise<void>): Promise<void>;
  /** Resolves when every write handed out so far has completed (rejects with the first failure). */
  flush(): Promise<void>;
  /** One digest per algorithm, after everything added was hashed. */
  digests(): Promise<Buffer[]>;
  /** Stops the job; resolves once the hashing thread no longer uses the ring. */
  drop(): Promise<void>;
}

/** 1 MiB slots (one NFS READ each), 8 of them: the writes in flight plus the hashing lag. */
const SLOT_SIZE = 1 << 20;
const SLOTS = 8;

interface Job {
  /** Slots whose hash is done (the hashing thread said so). */
  onHashed(slot: number): void;
  resolveEnd?: (r: HashReply) => void;
  reject(e: Error): void;
}

let worker: Worker | undefined;
/** Resolves once the thread answered its first message (or failed). */
let ready: Promise<void> | undefined;
let nextId = 1;
const jobs = new Map<number, Job>();
let active = 0;
/** One ring kept for the next job: a fresh SharedArrayBuffer costs page faults. */
let spareRing: SharedArrayBuffer | undefined;

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./hash-worker.js', import.meta.url));
  let pinged: () => void = () => undefined;
  ready = new Promise<void>((resolve) => { pinged = resolve; });
  w.on('message', (r: HashReply) => {
    if (r.id === 0) {
      // Started: an idle thread must not keep the process alive.
      if (active === 0 && worker === w) w.unref();
      return pinged();
    }
    const j = jobs.get(r.id);
    if (!j) return;
    if (r.hashed !== undefined) return j.onHashed(r.hashed);
    jobs.delete(r.id);
    j.resolveEnd?.(r);
  });
  const fail = (err: Error): void => {
    debug('hashing thread failed: %s', err.message);
    if (worker === w) worker = undefined;
    pinged();
    for (const j of jobs.values()) j.reject(err);
    jobs.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`hashing thread exited (${code})`)));
  w.postMessage({ op: 'ping', id: 0 } satisfies HashRequest);
  worker = w;
  return w;
}

/**
 * Starts the hashing thread ahead of the first big fetch; resolves once it
 * runs (or could not start: fetches then hash inline). Never rejects.
 */
export async function startHashThread(): Promise<void> {
  try {
    theWorker();
  } catch (err) {
    debug('no hashing thread: %s', (err as Error).message);
    return;
  }
  await ready;
}

/** Starts a hashing job with node:crypto algorithms `algos`; null when no hashing thread can be started (hash inline then). */
export function hashRanges(algos: string[]): RangeHasher | null {
  let w: Worker;
  try {
    w = theWorker();
  } catch (err) {
    debug('no hashing thread: %s', (err as Error).message);
    return null;
  }
  const id = nextId++;
  const ring = spareRing ?? new SharedArrayBuffer(SLOT_SIZE * SLOTS);
  spareRing = undefined;
  // Keep the process alive while a job runs; an idle thread must not.
  if (active++ === 0) w.ref();
  // Slot states: free, or busy until both its write and its hash are done.
  const pendingParts = new Uint8Array(SLOTS); // 0: free; else parts outstanding (write, hash)
  const free: number[] = [];
  for (let i = SLOTS - 1; i >= 0; i--) free.push(i);
  let waiter: (() => void) | undefined;
  let failure: Error | undefined;
  const writes = new Set<Promise<void>>();
  const wake = (): void => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  const partDone = (slot: number): void => {
    if (--pendingParts[slot] === 0) {
      free.push(slot);
      wake();
    }
  };
  const fail = (e: Error): void => {
    failure ??= e;
    wake();
  };
  const job: Job = { onHashed: partDone, reject: fail };
  jobs.set(id, job);
  let finished = false;
  const finish = (op: 'end' | 'drop'): Promise<HashReply> => {
    if (finished) return Promise.reject(new Error('hash job already finished'));
    finished = true;
    const done = (): void => {
      if (--active === 0 && worker === w) w.unref();
    };
    if (worker !== w || !jobs.has(id)) {
      // The thread died (its error was logged); nothing uses the ring any more.
      done();
      return Promise.reject(failure ?? new Error('hashing thread is gone'));
    }
    return new Promise<HashReply>((resolve, reject) => {
      job.resolveEnd = resolve;
      job.reject = reject;
      w.postMessage({ op, id } satisfies HashRequest);
    }).finally(() => {
      done();
      // The thread has answered: it no longer touches the ring.
      if (writes.size === 0) spareRing = ring;
    });
  };
  const slotWait = (): Promise<void> => new Promise<void>((resolve) => { waiter = resolve; });
  w.postMessage({ op: 'start', id, algos, ring, slotSize: SLOT_SIZE } satisfies HashRequest);
  return {
    add: async (src, write) => {
      for (let off = 0; off < src.length;) {
        while (free.length === 0 && !failure) await slotWait();
        if (failure) throw failure;
        const slot = free.pop()!;
        const n = Math.min(SLOT_SIZE, src.length - off);
        const bytes = Buffer.from(ring, slot * SLOT_SIZE, n);
        bytes.set(src.subarray(off, off + n));
        pendingParts[slot] = 2;
        const p = write(bytes, off);
        writes.add(p);
        p.then(() => {
          writes.delete(p);
          partDone(slot);
        }, (e: unknown) => {
          writes.delete(p);
          fail(e instanceof Error ? e : new Error(String(e)));
        });
        w.postMessage({ op: 'data', id, slot, len: n } satisfies HashRequest);
        off += n;
      }
    },
    flush: async () => {
      await Promise.all([...writes]);
      if (failure) throw failure;
    },
    digests: async () => {
      const r = await finish('end');
      if (r.error !== undefined || !r.digests) throw new Error(`hashing failed: ${r.error ?? 'no digests'}`);
      return r.digests.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    },
    drop: async () => {
      await Promise.allSettled([...writes]);
      if (finished) return;
      await finish('drop').catch(() => undefined);
    },
  };
}
