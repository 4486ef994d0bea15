/**
 * The appraisal the mount needs, as a narrow interface: which digest to compute
 * for a blob, the verdict for (blob, digest), and the policy's decision for a
 * verdict at a path for read or exec. Verdicts are made once per file version
 * with the policy's weakest per-path options; Policy.decide re-applies the
 * per-path requirements (signature required, allowed algorithms) per access.
 */
import { appraise, measurementAlgo } from '../core/appraise.js';
import type { Keyring } from '../core/keyring.js';
import type { AccessKind, Decision, Policy, PolicyMode } from '../core/policy.js';
import { noImaSupportVerdict, type Verdict } from '../core/verdict.js';
import type { Measured } from './fetch-content.js';

export type { AccessKind, PolicyMode };
export type MountDecision = Decision;

export interface MountAppraiser {
  readonly mode: PolicyMode;
  /** The hash the blob's verdict needs (kernel name + node:crypto name), or null for SHA-256. */
  digestAlgoFor(blob: Buffer | null): { algo: string; node: string } | null;
  /** blob: null when the server lacks FATTR4_IMA, empty when the file has none. */
  appraise(blob: Buffer | null, measured: Measured): Verdict;
  decide(verdict: Verdict, ctx: { path: string; access: AccessKind }): Decision;
}

export function createMountAppraiser(policy: Policy, keyring: Keyring | null): MountAppraiser {
  return {
    mode: policy.mode,
    digestAlgoFor(blob) {
      const a = measurementAlgo(blob);
      return a && a.node ? { algo: a.name, node: a.node } : null;
    },
    appraise(blob, measured) {
      if (blob === null) return noImaSupportVerdict();
      const a = measurementAlgo(blob);
      return appraise({
        blob,
        digest: a && a.name === measured.algo ? measured.digest : null,
        keyring,
        options: { allowedAlgorithms: policy.config.allowedAlgorithms, requireSignature: false },
      });
    },
    decide: (verdict, ctx) => policy.decide(verdict, ctx),
  };
}
