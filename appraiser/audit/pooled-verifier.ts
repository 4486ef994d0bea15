/**
 * Where an audit's verdicts are computed: on this thread, or on the
 * appraisal pool's worker threads (appraiser/io/appraisal-pool.ts) so the
 * signature checks (~35 µs of RSA per file) run on another core while this
 * thread lists, fetches and hashes.
 *
 * Threads pay only when this thread is the bottleneck and a core is free.
 * A job sent to the pool costs more CPU in all (thread boot, structured
 * clone both ways, messages) than appraising it here, so while this thread
 * spends its time waiting (for a busy NFS server, say), or while every core
 * is taken anyway (the server, other jobs), the verdicts are computed here.
 * When the event loop stays nearly always busy (a local tree, a fast server)
 * and the machine has an idle core, the pool is started and from then on
 * takes the signatures, this thread helping when the pool has enough queued. Small audits never start threads (`threshold`), and no
 * file waits for a thread to boot: until a probe job comes back from the
 * workers, appraisal stays here. Both ways give the same verdict: the pool
 * runs the same appraise() with the same keyring and policy.
 */
import { availableParallelism } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { debuglog } from 'node:util';
import { appraise } from '../core/appraise.js';
import type { Keyring } from '../core/keyring.js';
import type { AccessContext, Policy } from '../core/policy.js';
import type { Verdict } from '../core/verdict.js';
import type { AppraisalJob, AppraisalPool, AppraisalPoolOptions } from '../io/appraisal-pool.js';
import { createIdleMeter } from './idle-cores.js';

const debug = debuglog('imafs:audit');

/**
 * Jobs the pool may hold before this thread appraises new files itself.
 * Jobs leave and verdicts arrive only when the event loop turns (every few
 * ms on a busy thread), so the pool needs several turns' worth queued to stay
 * busy; beyond that this thread would only wait for it.
 */
const MAX_OUTSTANDING = 1024;
/** How often the event loop's utilization is sampled. */
const SAMPLE_MS = 50;
/** Above this share of busy time, this thread is the bottleneck. */
const BUSY = 0.85;
/**
 * Samples in a row that must be busy before the pool starts: a burst (a
 * READDIR of a thousand entries, code still being optimized) is not a
 * trend, and a pool started for nothing costs a thread's boot and its
 * messages on cores the server may need.
 */
const BUSY_SAMPLES = 3;
/** Idle cores (on average over those samples) that make a worker thread worth starting. */
const MIN_IDLE_CORES = 0.5;

export interface VerifierOptions {
  keyring: Keyring | null;
  policy: Policy;
  /** Files appraised before the pool may be started (default 64); Infinity: never. */
  threshold?: number;
  /** Starts the pool (default: AppraisalPool.create, imported on first use). */
  createPool?: (o: AppraisalPoolOptions) => AppraisalPool | Promise<AppraisalPool>;
  /** Whether this thread is the bottleneck, asked every 50 ms (default: event-loop utilization above 85%). */
  isBusy?: (utilization: number) => boolean;
  /** Cores idle since the last call, asked every 50 ms (default: from /proc/stat; undefined: unknown). */
  idleCores?: () => number | undefined;
}

export class PooledVerifier {
  private count = 0;
  private pool: AppraisalPool | undefined;
  private starting: Promise<void> | undefined;
  private ready = false;
  private closed = false;
  private readonly threshold: number;
  /** Jobs given to the pool and not yet answered. */
  private outstanding = 0;
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  private sampledAt = performance.now();
  /** Consecutive samples in which this thread was busy, and the idle cores summed over them. */
  private busyStreak = 0;
  private idleSum = 0;
  private readonly idleCores: () => number | undefined;
  /** Verdicts the pool computed (diagnostics, tests). */
  offloaded = 0;

  constructor(private readonly o: VerifierOptions) {
    this.threshold = o.threshold ?? 64;
    this.idleCores = o.idleCores ?? createIdleMeter(availableParallelism());
  }

  /** Whether the pool's threads are up (verdicts may come from them). */
  get pooled(): boolean {
    return this.ready;
  }

  /**
   * The verdict for a blob and the digest measured with its algorithm, as
   * appraise() gives it; a Promise when the pool computes it. A pool that
   * fails rejects with IMAFS_WORKER (the caller reports that file, denied).
   */
  verify(blob: Buffer | null, digest: Buffer | null, ctx: AccessContext): Verdict | Promise<Verdict> {
    this.count++;
    const now = performance.now();
    if (now - this.sampledAt >= SAMPLE_MS) this.sample(now);
    if (this.ready && this.outstanding < MAX_OUTSTANDING) return this.offload({ blob, digest, path: ctx.path, access: ctx.access });
    return appraise({ blob, digest, keyring: this.o.keyring, options: this.o.policy.appraiseOptions(ctx) });
  }

  private sample(now: number): void {
    const total = performance.eventLoopUtilization();
    const u = performance.eventLoopUtilization(total, this.elu).utilization;
    const idle = this.idleCores();
    this.busyStreak = (this.o.isBusy ? this.o.isBusy(u) : u > BUSY) ? this.busyStreak + 1 : 0;
    // A core must have been free meanwhile, or a thread would only add its boot and messages to a full machine.
    this.idleSum = this.busyStreak === 0 ? 0 : this.idleSum + (idle ?? 1);
    this.elu = total;
    this.sampledAt = now;
    // Without a trusted key there is no signature to check: nothing worth a thread.
    const worth = this.o.keyring !== null && this.o.keyring.size > 0;
    const spare = this.idleSum / Math.max(1, this.busyStreak) >= MIN_IDLE_CORES;
    if (this.busyStreak >= BUSY_SAMPLES && spare && worth && !this.starting && !this.closed && this.count >= this.threshold) this.start(this.o.keyring!);
  }

  /**
   * The pool's appraise(): everything asked for in one event-loop turn goes
   * to it together (in messages of its batch size). A message costs about as
   * much as a verification, so batches of a few jobs (what one microtask
   * round of parallel workers makes) would double the cost per file, while a
   * turn's worth (a READ batch, or several ms of local reads) fills them.
   */
  private offload(job: AppraisalJob): Promise<Verdict> {
    this.outstanding++;
    this.offloaded++;
    const v = this.pool!.appraise(job);
    const answered = (): void => { this.outstanding--; };
    v.then(answered, answered);
    return v;
  }

  private start(keyring: Keyring): void {
    this.starting = (async () => {
      const create = this.o.createPool ?? (await import('../io/appraisal-pool.js')).AppraisalPool.create;
      const pool = await create({ keyring, policy: this.o.policy });
      this.pool = pool;
      if (pool.size === 0) return;
      // The workers answer in order of readiness: one trivial job says they have loaded the keyring.
      await pool.appraise({ blob: null, digest: null, path: '/', access: 'read' });
      if (!this.closed) this.ready = true;
      debug('appraisal pool of %d threads ready after %d files', pool.size, this.count);
    })().catch((e: unknown) => {
      // No threads (e.g. a resource limit): keep appraising here, the same verdicts.
      debug('appraisal pool unavailable, appraising on the main thread: %s', (e as Error)?.message);
    });
  }

  /** Stops the worker threads (verdicts still pending reject). */
  async close(): Promise<void> {
    this.closed = true;
    this.ready = false;
    await this.starting;
    await this.pool?.close();
    debug('%d of %d verdicts from the pool', this.offloaded, this.count);
  }
}
