/**
 * One local file as `imafs verify` appraises it, as a plain value that can
 * cross a worker_threads boundary: the same function runs on the main thread
 * and in appraisal-worker.ts, so a file gets the same verdict wherever it
 * lands. Errors become values too (the file could not be appraised at all).
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { appraiseFile, completeAppraisal, measureForAppraisalSync, type AppraiseFileOptions, type FileAppraisal, type MeasuredFile } from './appraise-file.js';
import type { Verdict } from '../core/verdict.js';
import type { Keyring } from '../core/keyring.js';
import type { AccessKind, Decision, Policy } from '../core/policy.js';

/** Larger files are read asynchronously so the next read overlaps hashing (measure-file.ts). */
const ASYNC_ABOVE = 4 << 20;

export interface LocalFileOptions {
  keyring: Keyring;
  policy: Policy;
  access: AccessKind;
  now?: Date;
}

export type LocalFileResult =
  | { path: string; decision: Decision; algo: string | null; digest: Uint8Array | null; blob: Uint8Array | null }
  | { path: string; error: { code?: string; message: string } };

/**
 * Synchronous for small files (a promise per file would cost about as much
 * as its syscalls); a promise for large ones. Never throws or rejects.
 */
export function appraiseLocalFile(file: string, o: LocalFileOptions): LocalFileResult | Promise<LocalFileResult> {
  // Nothing is left whole (wholeAbove Infinity): each file ends here.
  const done = (q: PreparedFile): LocalFileResult => ('result' in q ? q.result : 'measured' in q ? finishLocalFile(q) : { path: file, error: { message: `${file}: not appraised` } });
  const p = prepareLocalFile(file, o, Infinity);
  return p instanceof Promise ? p.then(done) : done(p);
}

/** A file up to its appraise() call: done already, measured and waiting for appraise(), or (larger than `wholeAbove`) left to be appraised whole elsewhere. */
export type PreparedFile =
  | { result: LocalFileResult }
  | { measured: MeasuredFile; opts: AppraiseFileOptions }
  | { whole: true };

/** stat, then (small files) xattr and hash synchronously. Never throws or rejects. */
export function prepareLocalFile(file: string, o: LocalFileOptions, wholeAbove: number): PreparedFile | Promise<PreparedFile> {
  try {
    const st = statSync(file);
    if (st.isFile() && st.size > wholeAbove) return { whole: true };
    const opts = { keyring: o.keyring, policy: o.policy, access: o.access, now: o.now, policyPath: isAbsolute(file) ? file : resolve(file), knownRegular: st.isFile(), knownSize: st.size };
    if (st.size > ASYNC_ABOVE) return appraiseFile(file, opts).then((r) => ({ result: result(file, r) }), (e: unknown) => ({ result: { path: file, error: errorValue(e) } }));
    const measured = measureForAppraisalSync(file, opts);
    return measured.skipped !== null ? { result: result(file, completeAppraisal(measured, opts)) } : { measured, opts };
  } catch (e) {
    return { result: { path: file, error: errorValue(e) } };
  }
}

/** appraise() here, or with `v` computed elsewhere (a worker thread), then the policy's decision. */
export function finishLocalFile(p: { measured: MeasuredFile; opts: AppraiseFileOptions }, v?: Verdict): LocalFileResult {
  return result(p.measured.path, completeAppraisal(p.measured, p.opts, v));
}

function result(file: string, r: FileAppraisal): LocalFileResult {
  return { path: file, decision: r.decision, algo: r.algo, digest: r.digest, blob: r.blob };
}

export function errorValue(e: unknown): { code?: string; message: string } {
  const err = e as { code?: unknown; message?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return typeof err?.code === 'string' ? { code: err.code, message } : { message };
}
