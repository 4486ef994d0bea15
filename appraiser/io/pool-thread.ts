/**
 * One appraisal worker thread (appraisal-worker.ts) and the requests it
 * holds, for AppraisalPool and appraiseLocalFiles. Its keyring and policy
 * may follow after the thread has started (a promise), so a CLI can start
 * threads before it has loaded its own modules and keys: the thread's
 * start-up (a new isolate and the appraiser modules, ~50 ms) then overlaps
 * the caller's.
 *
 * A thread that dies (uncaught error, out of memory, exit, or its init
 * promise rejected) rejects every request it holds with IMAFS_WORKER at once
 * and every later one: never a hang.
 */
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { debuglog } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ImafsAppraiserError } from '../errors.js';
import type { AppraisalJob } from './appraisal-pool.js';
import { packJobBytes } from './pack-job-bytes.js';
import type { Keyring, KeySource } from '../core/keyring.js';
import type { AccessKind, Policy, PolicyConfig } from '../core/policy.js';

const debug = debuglog('imafs:pool');

export interface PoolThreadOptions {
  /** The worker module (default ./appraisal-worker.js); another module must speak the same messages. */
  workerUrl?: URL;
  /** Bounds for each worker's heap; a worker over them dies and fails closed. */
  resourceLimits?: ResourceLimits;
}

/** What a worker starts from: its workerData, or its first message when the thread was started before it was known. */
export interface WorkerInit {
  keys: KeySource[];
  cas: KeySource[];
  policy: PolicyConfig;
}

export type WorkerRequestBody =
  | { kind: 'init'; init: WorkerInit }
  | { kind: 'jobs'; jobs: AppraisalJob[] }
  | { kind: 'files'; files: string[]; access: AccessKind; now?: Date };

export type WorkerRequest = WorkerRequestBody & { id: number };

export type WorkerReply =
  | { ready: true; id?: undefined }
  | { id: number; ok: true; results: unknown[] }
  | { id: number; ok: false; error: { code?: string; message: string } };

export function workerError(message: string, cause?: unknown): ImafsAppraiserError {
  return new ImafsAppraiserError('IMAFS_WORKER', message, { cause });
}

export function workerInit(keyring: Keyring, policy: Policy): WorkerInit {
  return { keys: [...keyring.sources.keys], cas: [...keyring.sources.cas], policy: policy.config };
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** One worker thread with its requests in flight. */
export class PoolThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: unknown[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly born = performance.now();
  ready = false;
  dead: Error | null = null;
  /** Called once when the worker has loaded its keyring, and once when it dies. */
  onReady: () => void = () => {};
  onDeath: (err: Error) => void = () => {};

  constructor(init: WorkerInit | Promise<WorkerInit>, o: PoolThreadOptions = {}) {
    const later = init instanceof Promise;
    // Referenced until ready (someone may be waiting for it to start), then only while it holds work.
    this.worker = new Worker(o.workerUrl ?? new URL('./appraisal-worker.js', import.meta.url), { workerData: later ? null : init, resourceLimits: o.resourceLimits });
    if (later) {
      init.then(
        (i) => { if (!this.dead) this.worker.postMessage({ kind: 'init', init: i, id: 0 } satisfies WorkerRequest); },
        (e: unknown) => { void this.terminate(workerError(`appraisal worker not started: ${(e as Error)?.message ?? String(e)}`, e)); },
      );
    }
    this.worker.on('message', (m: WorkerReply) => this.reply(m));
    this.worker.on('error', (e) => this.die(workerError(`appraisal worker crashed: ${e.message}`, e)));
    this.worker.on('messageerror', (e) => this.die(workerError(`appraisal worker sent an unreadable message: ${e.message}`, e)));
    this.worker.on('exit', (code) => this.die(workerError(`appraisal worker exited (code ${code})`)));
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  request(msg: WorkerRequestBody): Promise<unknown[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1 && this.ready) this.worker.ref();
      // Every batch of jobs travels with its bytes in one store of its own (pack-job-bytes.ts).
      this.worker.postMessage(msg.kind === 'jobs' ? { ...msg, jobs: packJobBytes(msg.jobs), id } : { ...msg, id });
    });
  }

  private reply(m: WorkerReply): void {
    if (m.id === undefined) {
      this.ready = true;
      debug('worker %d ready after %d ms', this.worker.threadId, Math.round(performance.now() - this.born));
      if (this.pending.size === 0) this.worker.unref();
      this.onReady();
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0 && this.ready) this.worker.unref();
    if (m.ok) p.resolve(m.results);
    else p.reject(workerError(`appraisal worker failed a batch: ${m.error.message}`));
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    debug('worker %d: %s (%d batches held)', this.worker.threadId, err.message, this.pending.size);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.onDeath(err);
  }

  /** Stop the thread; what it holds rejects with `why` (default: the pool was closed). */
  async terminate(why: Error = workerError('appraisal pool closed')): Promise<void> {
    if (!this.dead) this.dead = why;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
    await this.worker.terminate();
  }
}


export interface EarlyThreads {
  threads: PoolThread[];
  /** Hand the threads their keyring and policy. */
  supply(keyring: Keyring, policy: Policy): void;
  /** They will not be needed (the keys could not be loaded, say): the threads stop. */
  fail(err: unknown): void;
}

/** Start `count` threads now; their keyring and policy follow through supply(). */
export function startThreads(count: number, o: PoolThreadOptions = {}): EarlyThreads {
  let resolve!: (i: WorkerInit) => void;
  let reject!: (e: unknown) => void;
  const init = new Promise<WorkerInit>((res, rej) => { resolve = res; reject = rej; });
  init.catch(() => {}); // each thread handles the rejection itself
  const threads = Array.from({ length: count }, () => new PoolThread(init, o));
  return {
    threads,
    supply: (keyring, policy) => resolve(workerInit(keyring, policy)),
    fail: (e) => {
      reject(e);
      for (const t of threads) void t.terminate(workerError(`appraisal worker not needed: ${(e as Error)?.message ?? String(e)}`, e));
    },
  };
}
