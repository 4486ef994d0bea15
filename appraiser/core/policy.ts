/**
 * The Policy turns verdicts into decisions (draft §5.1 modes):
 *   strict    deny unless the verdict is ok (fail closed)
 *   audit     never deny; the decision records what strict would have done
 *   disabled  ignore IMA metadata entirely
 * plus what users expect from the kernel's ima_policy: require signatures
 * (appraise_type=imasig), a set of allowed hash algorithms, and ordered rules
 * by path pattern and access kind (first match wins; with rules, a path no
 * rule matches is not appraised; without rules, everything is).
 */
import { DEFAULT_ALLOWED_ALGOS, hashAlgoByName } from './hash-algo.js';
import { compilePathPattern, type PathMatcher } from './path-pattern.js';
import { createBlobMeasurer, measurementAlgo, type AppraiseOptions } from './appraise.js';
import type { Measurer } from './measurer.js';
import type { HashAlgo } from './hash-algo.js';
import { verdict as mkVerdict, type Verdict } from './verdict.js';
import { ImafsAppraiserError } from '../errors.js';

export type PolicyMode = 'strict' | 'audit' | 'disabled';
export type AccessKind = 'read' | 'exec';
export const POLICY_MODES: readonly PolicyMode[] = ['strict', 'audit', 'disabled'];

export interface PolicyRule {
  action: 'appraise' | 'dont_appraise';
  /** Path pattern (path-pattern.ts); absent: any path. */
  path?: string;
  /** Access kind; absent: any. */
  access?: AccessKind;
  /** Overrides the policy-wide requireSignature for matching paths. */
  requireSignature?: boolean;
  /** Where the rule came from (file:line), for reasons. */
  origin?: string;
}

export interface PolicyConfig {
  mode: PolicyMode;
  requireSignature: boolean;
  allowedAlgorithms: string[];
  rules: PolicyRule[];
}

export interface AccessContext {
  path: string;
  access: AccessKind;
}

export interface Decision {
  allowed: boolean;
  appraised: boolean;
  verdict: Verdict;
  reason: string;
  mode: PolicyMode;
}

export interface AppraisalNeed {
  appraise: boolean;
  requireSignature: boolean;
  reason: string;
}

export function defaultPolicyConfig(): PolicyConfig {
  return { mode: 'strict', requireSignature: false, allowedAlgorithms: [...DEFAULT_ALLOWED_ALGOS], rules: [] };
}

/** Validate and complete a partial config; throws IMAFS_CONFIG on bad values. */
export function normalizePolicyConfig(cfg: Partial<PolicyConfig>): PolicyConfig {
  const base = defaultPolicyConfig();
  const mode = cfg.mode ?? base.mode;
  if (!POLICY_MODES.includes(mode)) throw new ImafsAppraiserError('IMAFS_CONFIG', `unknown policy mode '${String(mode)}' (strict, audit or disabled)`);
  const algos = (cfg.allowedAlgorithms ?? base.allowedAlgorithms).map((a) => {
    const h = hashAlgoByName(a);
    if (!h) throw new ImafsAppraiserError('IMAFS_CONFIG', `unknown hash algorithm '${a}'`);
    return h.name;
  });
  for (const r of cfg.rules ?? []) {
    if (r.action !== 'appraise' && r.action !== 'dont_appraise') throw new ImafsAppraiserError('IMAFS_CONFIG', `unknown rule action '${String(r.action)}'`);
    if (r.access !== undefined && r.access !== 'read' && r.access !== 'exec') throw new ImafsAppraiserError('IMAFS_CONFIG', `unknown access kind '${String(r.access)}' (read or exec)`);
  }
  return { mode, requireSignature: cfg.requireSignature ?? base.requireSignature, allowedAlgorithms: [...new Set(algos)], rules: [...(cfg.rules ?? [])] };
}

export class Policy {
  readonly config: PolicyConfig;
  private readonly matchers: Array<PathMatcher | null>;

  constructor(cfg: Partial<PolicyConfig> = {}) {
    this.config = normalizePolicyConfig(cfg);
    this.matchers = this.config.rules.map((r) => {
      if (r.path === undefined) return null;
      try { return compilePathPattern(r.path); } catch (e) {
        throw new ImafsAppraiserError('IMAFS_CONFIG', `bad path pattern '${r.path}'${r.origin ? ` at ${r.origin}` : ''}: ${(e as Error).message}`);
      }
    });
  }

  get mode(): PolicyMode {
    return this.config.mode;
  }

  /** Ask before measuring: does this access need appraisal at all, and must it be signed? */
  needsAppraisal(ctx: AccessContext): AppraisalNeed {
    const c = this.config;
    if (c.mode === 'disabled') return { appraise: false, requireSignature: false, reason: 'policy disabled: IMA metadata ignored' };
    if (c.rules.length === 0) return { appraise: true, requireSignature: c.requireSignature, reason: 'appraise all' };
    for (let i = 0; i < c.rules.length; i++) {
      const r = c.rules[i];
      if (r.access !== undefined && r.access !== ctx.access) continue;
      const m = this.matchers[i];
      if (m && !m(ctx.path)) continue;
      const where = r.origin ?? `rule ${i + 1}`;
      if (r.action === 'dont_appraise') return { appraise: false, requireSignature: false, reason: `not appraised (dont_appraise, ${where})` };
      return { appraise: true, requireSignature: r.requireSignature ?? c.requireSignature, reason: `appraised (${where})` };
    }
    return { appraise: false, requireSignature: false, reason: 'not appraised (no policy rule matches)' };
  }

  /** Options for appraise() for this access. */
  appraiseOptions(ctx: AccessContext, extra: Omit<AppraiseOptions, 'requireSignature' | 'allowedAlgorithms'> = {}): AppraiseOptions {
    return { ...extra, requireSignature: this.needsAppraisal(ctx).requireSignature, allowedAlgorithms: this.config.allowedAlgorithms };
  }

  /** The plain hash algorithm for this blob (null: no digest needed, or an fs-verity value). */
  measurementAlgo(blob: Uint8Array | null | undefined): HashAlgo | null {
    return measurementAlgo(blob);
  }

  /** The measurer whose digest appraise() needs for this blob (fs-verity aware); null: none needed. */
  createBlobMeasurer(blob: Uint8Array | null | undefined): Measurer | null {
    return createBlobMeasurer(blob);
  }

  /**
   * Verdict -> decision. Re-applies this policy's signature and algorithm
   * requirements so a verdict computed with weaker options cannot pass.
   */
  decide(v: Verdict, ctx: AccessContext): Decision {
    const need = this.needsAppraisal(ctx);
    const mode = this.config.mode;
    if (!need.appraise) return { allowed: true, appraised: false, verdict: v, reason: need.reason, mode };
    let verdict = v;
    if (verdict.code === 'ok' && verdict.algo && !this.config.allowedAlgorithms.includes(verdict.algo)) {
      verdict = mkVerdict('disallowed-algorithm', `hash algorithm ${verdict.algo} is not allowed`, strip(verdict));
    } else if (verdict.code === 'ok' && need.requireSignature && verdict.kind !== 'signature') {
      verdict = mkVerdict('signature-required', 'file carries only a digest; a signature is required', strip(verdict));
    }
    if (mode === 'audit') {
      const reason = verdict.code === 'ok' ? `audit: ${verdict.reason}` : `audit: would deny (${verdict.code}): ${verdict.reason}`;
      return { allowed: true, appraised: true, verdict, reason, mode };
    }
    return { allowed: verdict.code === 'ok', appraised: true, verdict, reason: verdict.code === 'ok' ? verdict.reason : `denied (${verdict.code}): ${verdict.reason}`, mode };
  }
}

function strip(v: Verdict): Omit<Verdict, 'code' | 'reason'> {
  const { code: _c, reason: _r, ...rest } = v;
  return rest;
}
