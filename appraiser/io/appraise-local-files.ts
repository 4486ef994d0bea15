/**
 * Many local files at once, for `imafs verify`, on this thread and worker
 * threads (pool-thread.ts); few files get no threads at all (pool-size.ts).
 *
 * Who does what, from measurements on a 2-core VM: two threads doing many
 * small-file syscalls (stat, getxattr, open, read, close) at once each spend
 * 40-90% more CPU per file than one alone, while signature checks (RSA,
 * ECDSA) scale across threads. So this thread reads and hashes the small
 * files and sends only their appraise() calls to the workers, in batches;
 * large files (over 1 MiB, where reading and hashing dominate) go to a
 * worker whole. Whatever no worker is free for, this thread does itself, so
 * nothing waits for a thread to start. With `mainThreadWorks: false` every
 * file goes to the workers whole.
 *
 * Results come back in argument order whatever thread did the work; a file a
 * crashed worker held gets an IMAFS_WORKER error result (fail closed), the
 * rest are still appraised.
 */
import { debuglog } from 'node:util';
import { performance } from 'node:perf_hooks';
import { appraiseLocalFile, finishLocalFile, prepareLocalFile, type LocalFileOptions, type LocalFileResult, type PreparedFile } from './appraise-local-file.js';
import type { PoolThread, PoolThreadOptions } from './pool-thread.js';
import { plannedWorkers, poolPlan } from './pool-size.js';
import type { AppraisalJob } from './appraisal-pool.js';
import { appraiseOptionsFor } from './appraise-file.js';
import type { Verdict } from '../core/verdict.js';
import type { AppraiseOptions } from '../core/appraise.js';

export { plannedWorkers, POOL_MIN_BYTES, POOL_MIN_FILES } from './pool-size.js';

const debug = debuglog('imafs:pool');

/** Files above this go to a worker whole. */
const WHOLE_FILE_ABOVE = 1 << 20;
/** appraise() calls per message. */
const BATCH = 64;
/** Messages a thread may hold; beyond that this thread does the work itself. */
const MAX_HELD = 4;

export interface LocalFilesOptions extends LocalFileOptions, PoolThreadOptions {
  /** Worker threads; default plannedWorkers(files). */
  workers?: number;
  /**
   * Threads the caller has already started (their init possibly still to
   * come, e.g. started before the keys were loaded), used instead of starting
   * `workers` new ones; terminated at the end like those.
   */
  threads?: PoolThread[];
  /** Files per whole-file message (default: about 4 per thread, at most 64). */
  shardSize?: number;
  /**
   * Whether the calling thread reads and appraises files too (default true).
   * false keeps it free (an event loop that must stay responsive): every file
   * goes to a worker whole; this thread still takes over when no worker is
   * left alive, so the run always finishes.
   */
  mainThreadWorks?: boolean;
  /** Which thread ran appraise() for these files (argument indices): 0 the calling thread, else the worker's threadId. */
  onAppraised?: (thread: number, indices: readonly number[]) => void;
  /** Each result in argument order, as soon as it and every one before it are done (e.g. the measurement log). */
  onResult?: (r: LocalFileResult, index: number) => void;
  /**
   * false: each result is dropped once onResult has had it, and the returned
   * array is empty. A CLI run over many files then keeps no blob or digest
   * Buffers alive (fewer, cheaper garbage collections).
   */
  keepResults?: boolean;
}

type Measured = Extract<PreparedFile, { measured: unknown }> & { i: number };

/**
 * The batch as appraise() jobs that are cheap to send: structured clone
 * copies each object it meets once, so jobs with the same options share one
 * options object (PoolThread puts the blobs and digests in one store).
 */
function packJobs(batch: readonly Measured[]): AppraisalJob[] {
  // Within one run (one policy, one `now`) only the signature requirement varies by path.
  const shared: Array<AppraiseOptions | undefined> = [undefined, undefined];
  const jobs: AppraisalJob[] = new Array(batch.length);
  for (let k = 0; k < batch.length; k++) {
    const { measured: m, opts } = batch[k];
    let options = appraiseOptionsFor(m, opts);
    if (opts.policy === batch[0].opts.policy && opts.now === batch[0].opts.now) {
      const slot = options.requireSignature ? 1 : 0;
      options = shared[slot] ??= options;
    }
    jobs[k] = { blob: m.blob, digest: m.digest, path: m.ctx.path, access: m.ctx.access, options };
  }
  return jobs;
}

export async function appraiseLocalFiles(files: readonly string[], o: LocalFilesOptions): Promise<LocalFileResult[]> {
  const t0 = performance.now();
  const mainWorks = o.mainThreadWorks ?? true;
  const plan = poolPlan(files.length, o.threads?.length ?? o.workers ?? plannedWorkers(files), mainWorks, o.shardSize);
  // undefined: not done yet; null: done, reported and dropped (keepResults false).
  const results: Array<LocalFileResult | null | undefined> = new Array(files.length);
  const keep = o.keepResults ?? true;
  let reported = 0;
  const report = (): void => {
    while (reported < files.length && results[reported] !== undefined) {
      o.onResult?.(results[reported]!, reported);
      if (!keep) results[reported] = null;
      reported++;
    }
  };
  const counts = new Map<number, number>();
  const appraised = (thread: number, indices: readonly number[]): void => {
    counts.set(thread, (counts.get(thread) ?? 0) + indices.length);
    o.onAppraised?.(thread, indices);
  };
  const lost = (indices: readonly number[], e: Error): void => {
    for (const i of indices) results[i] = { path: files[i], error: { code: 'IMAFS_WORKER', message: `${files[i]}: not appraised: ${e.message}` } };
  };

  // Replies arrive between this thread's batches; an exception thrown by onResult there is rethrown here.
  const inFlight = new Set<Promise<void>>();
  let failure = null as { e: unknown } | null;
  const rethrow = (): void => { if (failure) throw failure.e; };
  let wake: () => void = () => {};
  const track = (t: PoolThread, p: Promise<void>): void => {
    const q = p.then(report).catch((e: unknown) => { failure ??= { e }; }).finally(() => {
      inFlight.delete(q);
      pump(t);
      wake();
    });
    inFlight.add(q);
  };

  const whole: number[] = [];
  let wholeNext = 0;
  const takeWhole = (n: number): number[] => {
    const idx = whole.slice(wholeNext, wholeNext + n);
    wholeNext += idx.length;
    return idx;
  };
  /** Whole files to a thread with room, as long as there are some. */
  const pump = (t: PoolThread): void => {
    while (!t.dead && t.ready && t.inFlight < MAX_HELD && wholeNext < whole.length) {
      const idx = takeWhole(mainWorks ? 1 : plan.shard);
      track(t, t.request({ kind: 'files', files: idx.map((i) => files[i]), access: o.access, now: o.now }).then(
        (rs) => {
          if (rs.length !== idx.length) return lost(idx, new Error(`worker answered ${rs.length} results for ${idx.length} files`));
          idx.forEach((i, k) => { results[i] = rs[k] as LocalFileResult; });
          appraised(t.threadId, idx);
        },
        (e: Error) => lost(idx, e),
      ));
    }
  };
  const freeThread = (): PoolThread | null => {
    let best: PoolThread | null = null;
    for (const t of threads) if (!t.dead && t.ready && t.inFlight < MAX_HELD && (!best || t.inFlight < best.inFlight)) best = t;
    return best;
  };
  const alive = (): boolean => threads.some((t) => !t.dead);

  /** appraise() for a batch of measured files: on a free worker, else here. */
  const verify = (batch: Measured[]): void => {
    if (batch.length === 0) return;
    const t = freeThread();
    if (!t) {
      for (const m of batch) results[m.i] = finishLocalFile(m);
      appraised(0, batch.map((m) => m.i));
      return;
    }
    const jobs = packJobs(batch);
    track(t, t.request({ kind: 'jobs', jobs }).then(
      (vs) => {
        if (vs.length !== batch.length) return lost(batch.map((m) => m.i), new Error(`worker answered ${vs.length} verdicts for ${batch.length} files`));
        batch.forEach((m, k) => { results[m.i] = finishLocalFile(m, vs[k] as Verdict); });
        appraised(t.threadId, batch.map((m) => m.i));
      },
      (e: Error) => lost(batch.map((m) => m.i), e),
    ));
  };

  const started = o.threads ?? [];
  // Imported only when threads are used: a run over a few files should not pay for loading worker_threads.
  const spawn = plan.threads > started.length ? await import('./pool-thread.js') : null;
  const init = spawn ? spawn.workerInit(o.keyring, o.policy) : null;
  const threads = [...started, ...Array.from({ length: Math.max(0, plan.threads - started.length) }, () => new spawn!.PoolThread(init!, o))];
  for (const t of threads) {
    t.onReady = () => pump(t);
    t.onDeath = () => wake();
  }
  const yieldToReplies = (): Promise<void> => new Promise((r) => setImmediate(r));

  try {
    let batch: Measured[] = [];
    for (let i = 0; i < files.length; i++) {
      rethrow();
      if (!mainWorks && alive()) {
        whole.push(i);
        continue;
      }
      const p0 = prepareLocalFile(files[i], o, alive() ? WHOLE_FILE_ABOVE : Infinity);
      const p = p0 instanceof Promise ? await p0 : p0;
      if ('whole' in p) {
        whole.push(i);
        threads.forEach(pump);
      } else if ('result' in p) results[i] = p.result;
      else if (threads.length === 0) {
        results[i] = finishLocalFile(p);
        if (o.onAppraised) appraised(0, [i]);
      } else {
        batch.push({ measured: p.measured, opts: p.opts, i });
        if (batch.length === BATCH) {
          verify(batch);
          batch = [];
          report();
          await yieldToReplies();
        }
      }
    }
    verify(batch);
    report();
    threads.forEach(pump);
    // Whole files no worker has taken yet: this thread takes them one by one (or all, when it waits for no one).
    for (;;) {
      rethrow();
      if (wholeNext < whole.length && (mainWorks || !alive())) {
        const [i] = takeWhole(1);
        const r = appraiseLocalFile(files[i], o);
        results[i] = r instanceof Promise ? await r : r;
        appraised(0, [i]);
        report();
        await yieldToReplies();
      } else if (inFlight.size > 0 || wholeNext < whole.length) {
        await new Promise<void>((r) => { wake = r; });
      } else break;
    }
    rethrow();
  } finally {
    // Terminate without waiting for the threads to be joined (10-20 ms): they are
    // unref'ed and idle, so they cannot keep the process alive or do more work.
    for (const t of threads) t.terminate().catch(() => {});
  }
  debug('%d files in %d ms (from %d ms after start); appraise() by main thread %s, workers %s', files.length, Math.round(performance.now() - t0), Math.round(t0), threads.length ? counts.get(0) ?? 0 : 'all',
    threads.map((t) => `${counts.get(t.threadId) ?? 0}${t.dead && t.dead.message !== 'appraisal pool closed' ? ' (died)' : ''}`).join(', ') || 'none');
  return keep ? results as LocalFileResult[] : [];
}
