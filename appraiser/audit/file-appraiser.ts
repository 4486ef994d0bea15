/**
 * One file's audit: fetch its IMA value, measure the content with the value's
 * hash algorithm (streaming, never the whole file in memory), appraise, and
 * let the policy decide. Same rules as the mount, without FUSE: a file is
 * "exec" when any execute bit is set, so exec-only policy rules apply.
 */
import { appraise, measurementAlgo } from '../core/appraise.js';
import type { Keyring } from '../core/keyring.js';
import { createMeasurer } from '../core/measurer.js';
import type { Policy } from '../core/policy.js';
import { noImaSupportVerdict, type Verdict } from '../core/verdict.js';
import type { AuditEntry, AuditSource } from './audit-source.js';
import type { AuditFileResult } from './audit-types.js';
import { displayPath, type FileAppraiser } from './run-audit.js';

export interface FileAppraiserOptions {
  keyring: Keyring | null;
  policy: Policy;
}

/** Result code for a file the policy's rules exempt (it is allowed without being read). */
export const NOT_APPRAISED = 'not-appraised';

const EXEC_BITS = 0o111;

export function createFileAppraiser(o: FileAppraiserOptions): FileAppraiser {
  return async (file: AuditEntry, source: AuditSource): Promise<AuditFileResult> => {
    const path = file.display ?? displayPath(file.path);
    const ctx = { path, access: (file.mode & EXEC_BITS) !== 0 ? ('exec' as const) : ('read' as const) };
    const need = o.policy.needsAppraisal(ctx);
    if (!need.appraise) return { path, size: 0, code: NOT_APPRAISED, reason: need.reason, allowed: true, appraised: false };
    let verdict: Verdict;
    let size = 0;
    if (!source.imaSupported) {
      // draft §5.3: a legacy server cannot vouch for any file; nothing to measure.
      verdict = noImaSupportVerdict();
    } else {
      const blob = await source.readIma(file);
      const algo = measurementAlgo(blob);
      let digest: Buffer | null = null;
      // A disallowed algorithm is refused without reading the content.
      if (algo && o.policy.config.allowedAlgorithms.includes(algo.name)) {
        const m = createMeasurer(algo);
        for await (const chunk of source.read(file)) m.update(chunk);
        size = m.length;
        digest = m.digest();
      }
      verdict = appraise({ blob, digest, keyring: o.keyring, options: o.policy.appraiseOptions(ctx) });
    }
    const d = o.policy.decide(verdict, ctx);
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
}
