/**
 * AppraisalPool: appraise() on worker_threads, for callers with many files
 * (the audit engine; `imafs verify` uses the threads through
 * appraise-local-files.ts). Each worker (pool-thread.ts, appraisal-worker.ts) rebuilds the
 * keyring once from the bytes the caller's Keyring was built from
 * (Keyring.sources) and the Policy from its plain config; jobs travel in
 * batches, since one message costs about as much as one RSA verify.
 *
 * Fail closed, never hang: when a thread dies (uncaught error, out of memory,
 * exit), every batch it held rejects with IMAFS_WORKER at once and later work
 * goes to the threads still alive; with none left, jobs reject. Verdicts are
 * values: only a dead thread or a closed pool is an error.
 * API contract: /work/notes/appraisal-pool-api.md (kept stable).
 */
import { appraise, type AppraiseOptions } from '../core/appraise.js';
import type { Keyring } from '../core/keyring.js';
import type { AccessKind, Policy } from '../core/policy.js';
import type { Verdict } from '../core/verdict.js';
import { PoolThread, defaultWorkerCount, workerError, workerInit, type PoolThreadOptions } from './pool-thread.js';

export { PoolThread, workerInit, defaultWorkerCount, type PoolThreadOptions, type WorkerInit, type WorkerReply, type WorkerRequest, type WorkerRequestBody } from './pool-thread.js';

/** One pure appraisal: no file access in the worker. */
export interface AppraisalJob {
  /** security.ima / FATTR4_IMA value; null or empty: the file has none. */
  blob: Uint8Array | null;
  /** Content digest as createBlobMeasurer(blob) computes it (null when nothing was measured). */
  digest: Uint8Array | null;
  /** The path the policy sees. */
  path: string;
  access: AccessKind;
  /** Default: policy.appraiseOptions({ path, access }) in the worker. */
  options?: AppraiseOptions;
}

export interface AppraisalPoolOptions extends PoolThreadOptions {
  keyring: Keyring;
  policy: Policy;
  /** Worker threads; default availableParallelism() - 1, at least 1. 0: appraise inline on the calling thread. */
  workers?: number;
  /** Jobs per message (default 64). */
  batchSize?: number;
}

export class AppraisalPool {
  readonly size: number;
  private readonly threads: PoolThread[];
  private readonly batchSize: number;
  private queue: Array<{ job: AppraisalJob; resolve: (v: Verdict) => void; reject: (e: Error) => void }> = [];
  private flushScheduled = false;
  private closed = false;

  private constructor(private readonly o: AppraisalPoolOptions) {
    this.size = Math.max(0, Math.floor(o.workers ?? defaultWorkerCount()));
    this.batchSize = Math.max(1, o.batchSize ?? 64);
    const init = this.size > 0 ? workerInit(o.keyring, o.policy) : null;
    this.threads = Array.from({ length: this.size }, () => new PoolThread(init!, o));
  }

  /** Starts the workers and returns at once; jobs queue until a worker is ready. */
  static create(o: AppraisalPoolOptions): AppraisalPool {
    return new AppraisalPool(o);
  }

  appraise(job: AppraisalJob): Promise<Verdict> {
    if (this.size === 0) return this.inline([job]).then((v) => v[0]);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (this.queue.length >= this.batchSize) this.flush();
      else if (!this.flushScheduled) {
        // setImmediate, not a microtask: jobs submitted from the I/O callbacks of one
        // event-loop turn (an audit's files finishing their reads) share a message.
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async appraiseBatch(jobs: readonly AppraisalJob[]): Promise<Verdict[]> {
    if (this.size === 0) return this.inline(jobs);
    const parts: Array<Promise<Verdict[]>> = [];
    for (let i = 0; i < jobs.length; i += this.batchSize) parts.push(this.send(jobs.slice(i, i + this.batchSize)));
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private async inline(jobs: readonly AppraisalJob[]): Promise<Verdict[]> {
    if (this.closed) throw workerError('appraisal pool closed');
    return jobs.map((j) => appraise({ blob: j.blob, digest: j.digest, keyring: this.o.keyring, options: j.options ?? this.o.policy.appraiseOptions({ path: j.path, access: j.access }) }));
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0) {
      const part = this.queue.splice(0, this.batchSize);
      this.send(part.map((p) => p.job)).then(
        (vs) => part.forEach((p, i) => p.resolve(vs[i])),
        (e: Error) => part.forEach((p) => p.reject(e)),
      );
    }
  }

  /** To the live thread with the fewest batches in flight (ready ones first). */
  private send(jobs: AppraisalJob[]): Promise<Verdict[]> {
    if (this.closed) return Promise.reject(workerError('appraisal pool closed'));
    let best: PoolThread | null = null;
    for (const t of this.threads) {
      if (t.dead) continue;
      if (!best || Number(!t.ready) * 1e6 + t.inFlight < Number(!best.ready) * 1e6 + best.inFlight) best = t;
    }
    if (!best) return Promise.reject(workerError('no appraisal worker is alive'));
    return best.request({ kind: 'jobs', jobs }) as Promise<Verdict[]>;
  }
}
