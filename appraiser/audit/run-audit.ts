import { debuglog } from 'node:util';
import { SourceUnreachableError, type AuditEntry, type AuditSource } from './audit-source.js';
import { READ_ERROR, type AuditFileResult, type AuditProgress, type AuditReport } from './audit-types.js';
import { sortResults, summarize } from './summarize.js';

const debug = debuglog('imafs:audit');

/** Files listed but not yet taken by a worker before the walker pauses. */
export const MAX_BACKLOG = 20_000;

/** Longest stretch the workers run without letting the event loop turn. */
const YIELD_EVERY_MS = 5;

/** Verifications handed elsewhere (a worker pool) and not yet answered, at most; beyond it workers wait. */
export const MAX_PENDING_VERDICTS = 4096;

/**
 * A file fetched and hashed whose verdict is still being computed elsewhere
 * (the appraisal pool): the worker takes its next file meanwhile, so `jobs`
 * bounds fetching and hashing, not the wait for a thread.
 */
export interface PendingResult {
  pending: Promise<AuditFileResult>;
}

/**
 * Appraises one regular file; may throw or reject (the engine turns that into
 * a read-error result). A result returned directly (not a Promise) costs the
 * engine no microtask: the common case when the source has the file at hand.
 */
export type FileAppraiser = (file: AuditEntry, source: AuditSource) => AuditFileResult | PendingResult | Promise<AuditFileResult | PendingResult>;

export interface RunAuditOptions {
  source: AuditSource;
  /** How the user named the source, for the report. */
  sourceName: string;
  policyName: string;
  appraiseFile: FileAppraiser;
  /** Files fetched and hashed at the same time. */
  jobs: number;
  onProgress?: (p: AuditProgress) => void;
  signal?: AbortSignal;
}

export function displayPath(p: string): string {
  return `/${p}`;
}

/** A failed stat/readdir/read/GETATTR as a per-file result: reported, never allowed. */
export function errorResult(path: string, err: unknown, size = 0): AuditFileResult {
  const e = err as { code?: unknown; statusName?: unknown; status?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'IMAFS_READ';
  const status = typeof e?.statusName === 'string' ? e.statusName : typeof e?.status === 'string' ? e.status : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // draft §4.2.1: a participating server that appraises refuses failing files with this status.
  const hint = status === 'NFS4ERR_INTEGRITY' ? ' (the server\'s own appraisal refused this file)' : '';
  return {
    path: displayPath(path),
    size,
    code: READ_ERROR,
    reason: `${message}${hint}`,
    allowed: false,
    appraised: false,
    error: status === undefined ? { code } : { code, status },
  };
}

/**
 * Walks the source breadth-first while `jobs` workers appraise the regular
 * files it finds, so listing, fetching and hashing overlap. Errors on one entry
 * become that entry's result; only a failure to reach the root throws.
 */
export async function runAudit(o: RunAuditOptions): Promise<AuditReport> {
  const started = performance.now();
  let root: AuditEntry;
  try {
    root = await o.source.root();
  } catch (err) {
    // A caller mistake (bad URL, bad option) keeps its own code and exit status.
    if ((err as { code?: unknown })?.code === 'IMAFS_USAGE') throw err;
    throw new SourceUnreachableError(o.sourceName, err);
  }
  const results: AuditFileResult[] = [];
  // Index-based queues: Array#shift is O(n) on the large arrays a big tree makes.
  const queue: AuditEntry[] = [];
  let qHead = 0;
  let drained: (() => void) | undefined;
  const progress: AuditProgress = { found: 0, walkDone: false, done: 0, bytes: 0 };
  let skipped = 0;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onProgress = o.onProgress;
  const report = onProgress ? (): void => onProgress({ ...progress }) : (): void => {};

  const enqueue = (e: AuditEntry): void => {
    queue.push(e);
    progress.found++;
    notify();
  };

  const walk = async (): Promise<void> => {
    try {
      if (root.type === 'file') return enqueue({ ...root, display: `/${o.sourceName.replace(/\/+$/, '').split('/').pop() ?? ''}` });
      if (root.type !== 'directory') {
        skipped++;
        return;
      }
      const dirs: AuditEntry[] = [root];
      for (let d = 0; d < dirs.length && !o.signal?.aborted; d++) {
        // Backpressure: a huge tree is listed only as fast as it is appraised, so memory stays bounded.
        while (queue.length - qHead > MAX_BACKLOG && !o.signal?.aborted) await new Promise<void>((r) => { drained = r; });
        const dir = dirs[d];
        dirs[d] = undefined as unknown as AuditEntry; // let listed directories be collected
        let children: AuditEntry[];
        try {
          children = await o.source.list(dir);
        } catch (err) {
          debug('list %s failed: %o', dir.path, err);
          results.push(errorResult(dir.path, err));
          continue;
        }
        children.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        for (const c of children) {
          if (c.error) results.push(errorResult(c.path, c.error));
          else if (c.type === 'directory') dirs.push(c);
          else if (c.type === 'file') enqueue(c);
          else skipped++;
        }
        report();
      }
    } finally {
      progress.walkDone = true;
      report();
      notify();
    }
  };

  /** The next listed file if one is waiting (no promise, no microtask: the common case). */
  const take = (): AuditEntry | undefined => {
    if (qHead >= queue.length) return undefined;
    const e = queue[qHead];
    queue[qHead++] = undefined as unknown as AuditEntry;
    if (drained && queue.length - qHead <= MAX_BACKLOG / 2) {
      drained();
      drained = undefined;
    }
    if (qHead > 4096 && qHead * 2 > queue.length) {
      queue.splice(0, qHead);
      qHead = 0;
    }
    return e;
  };

  const next = async (): Promise<AuditEntry | undefined> => {
    for (;;) {
      if (o.signal?.aborted) {
        drained?.();
        return undefined;
      }
      const e = take();
      if (e) return e;
      if (progress.walkDone) return undefined;
      await new Promise<void>((r) => {
        const prev = wake;
        wake = () => {
          prev?.();
          r();
        };
      });
    }
  };

  const record = (r: AuditFileResult, t0: number): void => {
    r.ms = performance.now() - t0;
    results.push(r);
    progress.done++;
    progress.bytes += r.size;
    report();
  };

  // Verdicts computed elsewhere: counted, bounded, and awaited before the report.
  let pending = 0;
  let pendingWaiters: (() => void)[] = [];
  const settleOne = (): void => {
    pending--;
    if (pendingWaiters.length > 0 && pending < MAX_PENDING_VERDICTS) {
      const ws = pendingWaiters;
      pendingWaiters = [];
      for (const w of ws) w();
    }
  };
  const defer = (p: PendingResult, path: string, t0: number): void => {
    pending++;
    p.pending.then(
      (r) => record(r, t0),
      (err: unknown) => {
        debug('appraise %s failed: %o', path, err);
        record(errorResult(path, err), t0);
      },
    ).finally(settleOne);
  };

  // A source that answers synchronously (a local tree in the page cache) would
  // otherwise run the whole audit in microtasks: timers, signals, the pool's
  // messages and the progress bar would wait for the end.
  let lastYield = performance.now();
  const worker = async (): Promise<void> => {
    for (let e = (!o.signal?.aborted && take()) || (await next()); e; e = (!o.signal?.aborted && take()) || (await next())) {
      let t0 = performance.now();
      if (t0 - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((res) => setImmediate(res));
        lastYield = t0 = performance.now();
      }
      let r: AuditFileResult | PendingResult;
      try {
        const x = o.appraiseFile(e, o.source);
        r = x instanceof Promise ? await x : x;
      } catch (err) {
        debug('appraise %s failed: %o', e.path, err);
        r = errorResult(e.path, err);
      }
      if ('pending' in r) {
        defer(r, e.path, t0);
        while (pending >= MAX_PENDING_VERDICTS) await new Promise<void>((res) => pendingWaiters.push(res));
      } else {
        record(r, t0);
      }
    }
  };

  const jobs = Math.max(1, Math.floor(o.jobs));
  await Promise.all([walk(), ...Array.from({ length: jobs }, worker)]);
  while (pending > 0) await new Promise<void>((res) => pendingWaiters.push(res));
  if (o.signal?.aborted) throw o.signal.reason ?? new Error('audit aborted');
  sortResults(results);
  return {
    source: o.sourceName,
    policy: o.policyName,
    results,
    summary: summarize(results, skipped, performance.now() - started),
  };
}
