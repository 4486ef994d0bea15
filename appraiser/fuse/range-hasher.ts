/**
 * Hashing a large fetch off the JS thread. While a big file is fetched, the
 * JS thread receives READ replies and appends them to the cache file; hashing
 * the same bytes there too (SHA-256 runs at about 1.3 GB/s here) made the JS
 * thread the bottleneck of every cold open. Instead, each range is handed to
 * one hashing thread (hash-worker.ts) once its write has completed; the
 * thread reads it back from the cache file and hashes it, so the digest is of
 * exactly the bytes that will be served. The JS thread only waits for the
 * digests at the end, while the hashing has overlapped the transfer.
 *
 * The thread starts with the first big fetch (about 35 ms, overlapping that
 * fetch's transfer), so a mount that only ever opens small files never pays
 * for its memory.
 */
import { Worker } from 'node:worker_threads';
import { debuglog } from 'node:util';

const debug = debuglog('imafs:fuse:hash');

/** JS thread -> hashing thread; one job's messages arrive in order. */
export type HashRequest =
  | { op: 'start'; id: number; fd: number; algos: string[] }
  | { op: 'data'; id: number; pos: number; len: number }
  | { op: 'end'; id: number }
  | { op: 'drop'; id: number };

/** Hashing thread -> JS thread: the answer to 'end' (digests or error) or 'drop'. */
export interface HashReply {
  id: number;
  digests?: Uint8Array[];
  error?: string;
}

export interface RangeHasher {
  /** Bytes [pos, pos+len) of the file are written; ranges are contiguous from 0. */
  add(pos: number, len: number): void;
  /** One digest per algorithm, after every added range was hashed. */
  digests(): Promise<Buffer[]>;
  /** Stops the job; resolves once the hashing thread no longer uses the descriptor. */
  drop(): Promise<void>;
}

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (r: HashReply) => void; reject: (e: Error) => void }>();
let active = 0;

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./hash-worker.js', import.meta.url));
  w.on('message', (r: HashReply) => {
    const p = waiting.get(r.id);
    waiting.delete(r.id);
    p?.resolve(r);
  });
  const fail = (err: Error): void => {
    debug('hashing thread failed: %s', err.message);
    if (worker === w) worker = undefined;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`hashing thread exited (${code})`)));
  w.unref();
  worker = w;
  return w;
}

/**
 * Starts hashing the cache file open as `fd` with node:crypto algorithms
 * `algos`; null when no hashing thread can be started (hash inline then).
 */
export function hashFileRanges(fd: number, algos: string[]): RangeHasher | null {
  let w: Worker;
  try {
    w = theWorker();
  } catch (err) {
    debug('no hashing thread: %s', (err as Error).message);
    return null;
  }
  const id = nextId++;
  // Keep the process alive while a job runs; an idle thread must not.
  if (active++ === 0) w.ref();
  let finished = false;
  const finish = (op: 'end' | 'drop'): Promise<HashReply> => {
    if (finished) return Promise.reject(new Error('hash job already finished'));
    finished = true;
    if (worker !== w) {
      // The thread died (its error was logged); nothing uses the descriptor any more.
      active--;
      return Promise.reject(new Error('hashing thread is gone'));
    }
    return new Promise<HashReply>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.postMessage({ op, id } satisfies HashRequest);
    }).finally(() => {
      if (--active === 0 && worker === w) w.unref();
    });
  };
  w.postMessage({ op: 'start', id, fd, algos } satisfies HashRequest);
  return {
    add: (pos, len) => w.postMessage({ op: 'data', id, pos, len } satisfies HashRequest),
    digests: async () => {
      const r = await finish('end');
      if (r.error !== undefined || !r.digests) throw new Error(`hashing failed: ${r.error ?? 'no digests'}`);
      return r.digests.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    },
    drop: async () => {
      if (finished) return;
      await finish('drop').catch(() => undefined);
    },
  };
}
