/**
 * Appraise one local file end to end: ask the policy whether it needs
 * appraisal, read security.ima, measure with the blob's algorithm, appraise,
 * decide, and optionally log. Used by `imafs verify` and reusable by callers
 * that appraise local paths. appraiseFileSync does the same with synchronous
 * syscalls, which is faster for a CLI walking many small files.
 */
import { statSync } from 'node:fs';
import { debuglog } from 'node:util';
import { stat } from 'node:fs/promises';
import { ImafsAppraiserError } from '../errors.js';
import { appraise, createBlobMeasurer } from '../core/appraise.js';
import type { Keyring } from '../core/keyring.js';
import type { AccessContext, AccessKind, Decision, Policy } from '../core/policy.js';
import { verdict, type Verdict } from '../core/verdict.js';
import { readImaXattr, readImaXattrSync } from './ima-xattr.js';
import { measureFile, measureFileSync } from './measure-file.js';
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
  /** Skip the regular-file check: the caller has just stat()ed `path`. */
  knownRegular?: boolean;
}

const debug = debuglog('imafs:appraise');

function notRegular(path: string): ImafsAppraiserError {
  return new ImafsAppraiserError('IMAFS_CONFIG', `${path}: not a regular file`, { file: path });
}

function finish(path: string, o: AppraiseFileOptions, ctx: AccessContext, blob: Buffer | null, digest: Buffer | null, algo: string | null, skipped: string | null): FileAppraisal {
  const v = skipped !== null ? verdict('ok', skipped) : appraise({ blob, digest, keyring: o.keyring, options: o.policy.appraiseOptions(ctx, { now: o.now }) });
  const decision = o.policy.decide(v, ctx);
  debug('%s %s: %s %s (%s)', ctx.access, ctx.path, decision.allowed ? 'allow' : 'deny', decision.verdict.code, decision.verdict.reason);
  if (o.log && decision.appraised) o.log.record({ path: ctx.path, access: ctx.access, algo, digest, blob, decision });
  return { path, verdict: decision.verdict, decision, algo, digest, blob };
}

/** Throws (ENOENT etc., or IMAFS_CONFIG for a non-regular file) when `path` cannot be appraised at all. */
export async function appraiseFile(path: string, o: AppraiseFileOptions): Promise<FileAppraisal> {
  if (!(await stat(path)).isFile()) throw notRegular(path);
  const ctx = { path: o.policyPath ?? path, access: o.access ?? 'read' };
  const need = o.policy.needsAppraisal(ctx);
  if (!need.appraise) return finish(path, o, ctx, null, null, null, need.reason);
  const blob = await readImaXattr(path);
  const m = createBlobMeasurer(blob);
  const digest = m ? await measureFile(path, m) : null;
  return finish(path, o, ctx, blob, digest, m?.algo.name ?? null, null);
}

export function appraiseFileSync(path: string, o: AppraiseFileOptions): FileAppraisal {
  if (!o.knownRegular && !statSync(path).isFile()) throw notRegular(path);
  const ctx = { path: o.policyPath ?? path, access: o.access ?? 'read' };
  const need = o.policy.needsAppraisal(ctx);
  if (!need.appraise) return finish(path, o, ctx, null, null, null, need.reason);
  const blob = readImaXattrSync(path);
  const m = createBlobMeasurer(blob);
  const digest = m ? measureFileSync(path, m) : null;
  return finish(path, o, ctx, blob, digest, m?.algo.name ?? null, null);
}
