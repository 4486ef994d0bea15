/**
 * One file's audit: fetch its IMA value, measure the content with the value's
 * hash algorithm (streaming, never the whole file in memory), appraise, and
 * let the policy decide. Same rules as the mount, without FUSE: a file is
 * "exec" when any execute bit is set, so exec-only policy rules apply.
 */
import { hash } from 'node:crypto';
import { appraise, measurementAlgo } from '../core/appraise.js';
import type { Keyring } from '../core/keyring.js';
import type { HashAlgo } from '../core/hash-algo.js';
import { createMeasurer } from '../core/measurer.js';
import type { AccessContext, Policy } from '../core/policy.js';
import { noImaSupportVerdict, type Verdict } from '../core/verdict.js';
import type { AuditEntry, AuditSource } from './audit-source.js';
import type { AuditFileResult } from './audit-types.js';
import type { PooledVerifier } from './pooled-verifier.js';
import { displayPath, type FileAppraiser, type PendingResult } from './run-audit.js';

export interface FileAppraiserOptions {
  keyring: Keyring | null;
  policy: Policy;
  /** Where verdicts are computed (worker threads for big audits); default: appraise() on this thread. */
  verifier?: PooledVerifier;
}

/** Result code for a file the policy's rules exempt (it is allowed without being read). */
export const NOT_APPRAISED = 'not-appraised';

const EXEC_BITS = 0o111;

/**
 * Synchronous when the source answers synchronously (metadata from the
 * listing, content read ahead or in the page cache, verdict computed here):
 * no promise per file on the common path; a Promise only where something
 * is really awaited.
 */
export function createFileAppraiser(o: FileAppraiserOptions): FileAppraiser {
  const allowed = o.policy.config.allowedAlgorithms;
  const finish = (path: string, size: number, v: Verdict, ctx: AccessContext): AuditFileResult => {
    const d = o.policy.decide(v, ctx);
    const r: AuditFileResult = {
      path,
      size,
      code: d.verdict.code,
      reason: d.verdict.reason,
      allowed: d.allowed,
      appraised: d.appraised,
    };
    if (d.verdict.algo !== undefined) r.algo = d.verdict.algo;
    if (d.verdict.keyid !== undefined) r.keyid = d.verdict.keyid;
    return r;
  };
  const verdictOf = (path: string, size: number, blob: Buffer, digest: Buffer | null, ctx: AccessContext): AuditFileResult | PendingResult => {
    if (!o.verifier) return finish(path, size, appraise({ blob, digest, keyring: o.keyring, options: o.policy.appraiseOptions(ctx) }), ctx);
    const v = o.verifier.verify(blob, digest, ctx);
    // Fetched and hashed: the worker may take the next file while the verdict is computed elsewhere.
    return v instanceof Promise ? { pending: v.then((x) => finish(path, size, x, ctx)) } : finish(path, size, v, ctx);
  };
  const streamed = async (file: AuditEntry, source: AuditSource, algo: HashAlgo, path: string, blob: Buffer, ctx: AccessContext): Promise<AuditFileResult | PendingResult> => {
    const m = createMeasurer(algo);
    for await (const chunk of source.read(file)) m.update(chunk);
    return verdictOf(path, m.length, blob, m.digest(), ctx);
  };
  const measured = (file: AuditEntry, source: AuditSource, path: string, blob: Buffer, ctx: AccessContext): AuditFileResult | PendingResult | Promise<AuditFileResult | PendingResult> => {
    const algo = measurementAlgo(blob);
    // A disallowed algorithm is refused without reading the content.
    if (!algo || !allowed.includes(algo.name)) return verdictOf(path, 0, blob, null, ctx);
    // A small file comes whole (read ahead, one READ in a batch, or one local read): one-shot hash, no stream.
    const whole = source.readWhole ? source.readWhole(file) : null;
    if (whole instanceof Promise) {
      return whole.then((w) => (w ? verdictOf(path, w.length, blob, hash(algo.node!, w, 'buffer'), ctx) : streamed(file, source, algo, path, blob, ctx)));
    }
    if (whole) return verdictOf(path, whole.length, blob, hash(algo.node!, whole, 'buffer'), ctx);
    return streamed(file, source, algo, path, blob, ctx);
  };
  return (file: AuditEntry, source: AuditSource) => {
    const path = file.display ?? displayPath(file.path);
    const ctx: AccessContext = { path, access: (file.mode & EXEC_BITS) !== 0 ? 'exec' : 'read' };
    const need = o.policy.needsAppraisal(ctx);
    if (!need.appraise) return { path, size: 0, code: NOT_APPRAISED, reason: need.reason, allowed: true, appraised: false };
    // draft §5.3: a legacy server cannot vouch for any file; nothing to measure.
    if (!source.imaSupported) return finish(path, 0, noImaSupportVerdict(), ctx);
    const blob = source.readIma(file);
    return blob instanceof Promise ? blob.then((b) => measured(file, source, path, b, ctx)) : measured(file, source, path, blob, ctx);
  };
}
