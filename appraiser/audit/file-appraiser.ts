/**
 * One file's audit: fetch its IMA value, measure the content with the value's
 * hash algorithm (streaming, never the whole file in memory), appraise, and
 * let the policy decide. Same rules as the mount, without FUSE: a file is
 * "exec" when any execute bit is set, so exec-only policy rules apply.
 */
import { hash } from 'node:crypto';
import { appraise, measurementAlgo } from '../core/appraise.js';
import type { Keyring } from '../core/keyring.js';
import { createMeasurer } from '../core/measurer.js';
import type { AccessContext, Policy } from '../core/policy.js';
import { noImaSupportVerdict, type Verdict } from '../core/verdict.js';
import type { AuditEntry, AuditSource } from './audit-source.js';
import type { AuditFileResult } from './audit-types.js';
import type { PooledVerifier } from './pooled-verifier.js';
import { displayPath, type FileAppraiser } from './run-audit.js';

export interface FileAppraiserOptions {
  keyring: Keyring | null;
  policy: Policy;
  /** Where verdicts are computed (worker threads for big audits); default: appraise() on this thread. */
  verifier?: PooledVerifier;
}

/** Result code for a file the policy's rules exempt (it is allowed without being read). */
export const NOT_APPRAISED = 'not-appraised';

const EXEC_BITS = 0o111;

export function createFileAppraiser(o: FileAppraiserOptions): FileAppraiser {
  const allowed = o.policy.config.allowedAlgorithms;
  const finish = (path: string, size: number, v: Verdict, ctx: AccessContext): AuditFileResult => {
    const d = o.policy.decide(v, ctx);
    return {
      path,
      size,
      code: d.verdict.code,
      reason: d.verdict.reason,
      allowed: d.allowed,
      appraised: d.appraised,
      ...(d.verdict.algo === undefined ? {} : { algo: d.verdict.algo }),
      ...(d.verdict.keyid === undefined ? {} : { keyid: d.verdict.keyid }),
    };
  };
  return async (file: AuditEntry, source: AuditSource) => {
    const path = file.display ?? displayPath(file.path);
    const ctx: AccessContext = { path, access: (file.mode & EXEC_BITS) !== 0 ? 'exec' : 'read' };
    const need = o.policy.needsAppraisal(ctx);
    if (!need.appraise) return { path, size: 0, code: NOT_APPRAISED, reason: need.reason, allowed: true, appraised: false };
    // draft §5.3: a legacy server cannot vouch for any file; nothing to measure.
    if (!source.imaSupported) return finish(path, 0, noImaSupportVerdict(), ctx);
    const blob = await source.readIma(file);
    const algo = measurementAlgo(blob);
    let digest: Buffer | null = null;
    let size = 0;
    // A disallowed algorithm is refused without reading the content.
    if (algo && allowed.includes(algo.name)) {
      // A small file comes whole (one READ in a batch, or one local read): one-shot hash, no stream.
      const whole = source.readWhole ? await source.readWhole(file) : null;
      if (whole) {
        size = whole.length;
        digest = hash(algo.node!, whole, 'buffer');
      } else {
        const m = createMeasurer(algo);
        for await (const chunk of source.read(file)) m.update(chunk);
        size = m.length;
        digest = m.digest();
      }
    }
    if (!o.verifier) return finish(path, size, appraise({ blob, digest, keyring: o.keyring, options: o.policy.appraiseOptions(ctx) }), ctx);
    const v = o.verifier.verify(blob, digest, ctx);
    // Fetched and hashed: the worker may take the next file while the verdict is computed elsewhere.
    return v instanceof Promise ? { pending: v.then((x) => finish(path, size, x, ctx)) } : finish(path, size, v, ctx);
  };
}
