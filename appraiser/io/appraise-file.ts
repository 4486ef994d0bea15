/**
 * Appraise one local file end to end: ask the policy whether it needs
 * appraisal, read security.ima, measure with the blob's algorithm, appraise,
 * decide, and optionally log. Used by `imafs verify` and reusable by callers
 * that appraise local paths.
 */
import { stat } from 'node:fs/promises';
import { ImafsAppraiserError } from '../errors.js';
import { appraise, measurementAlgo } from '../core/appraise.js';
import type { Keyring } from '../core/keyring.js';
import type { AccessKind, Decision, Policy } from '../core/policy.js';
import { verdict, type Verdict } from '../core/verdict.js';
import { readImaXattr } from './ima-xattr.js';
import { measureFile } from './measure-file.js';
import type { MeasurementLog } from './measurement-log.js';

export interface FileAppraisal {
  path: string;
  verdict: Verdict;
  decision: Decision;
  algo: string | null;
  digest: Buffer | null;
  blob: Buffer | null;
}

export interface AppraiseFileOptions {
  keyring: Keyring;
  policy: Policy;
  access?: AccessKind;
  /** The path the policy sees (default: `path`). */
  policyPath?: string;
  log?: MeasurementLog | null;
  now?: Date;
}

/** Throws (ENOENT etc., or IMAFS_CONFIG for a non-regular file) when `path` cannot be appraised at all. */
export async function appraiseFile(path: string, o: AppraiseFileOptions): Promise<FileAppraisal> {
  const st = await stat(path);
  if (!st.isFile()) throw new ImafsAppraiserError('IMAFS_CONFIG', `${path}: not a regular file`, { file: path });
  const ctx = { path: o.policyPath ?? path, access: o.access ?? 'read' };
  const need = o.policy.needsAppraisal(ctx);
  let blob: Buffer | null = null;
  let digest: Buffer | null = null;
  let algo: string | null = null;
  let v: Verdict;
  if (!need.appraise) {
    v = verdict('ok', need.reason);
  } else {
    blob = await readImaXattr(path);
    const a = measurementAlgo(blob);
    if (a) {
      digest = await measureFile(path, a);
      algo = a.name;
    }
    v = appraise({ blob, digest, keyring: o.keyring, options: o.policy.appraiseOptions(ctx, { now: o.now }) });
  }
  const decision = o.policy.decide(v, ctx);
  if (o.log && decision.appraised) o.log.record({ path: ctx.path, access: ctx.access, algo, digest, blob, decision });
  return { path, verdict: decision.verdict, decision, algo, digest, blob };
}
