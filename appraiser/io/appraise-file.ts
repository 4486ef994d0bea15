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
import { appraise, createBlobMeasurer, type AppraiseOptions } from '../core/appraise.js';
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
  /** The size that stat() gave, to size the read buffer without another fstat (reading still goes to EOF). */
  knownSize?: number;
}

const debug = debuglog('imafs:appraise');

function notRegular(path: string): ImafsAppraiserError {
  return new ImafsAppraiserError('IMAFS_CONFIG', `${path}: not a regular file`, { file: path });
}

/**
 * A file read and measured, waiting only for appraise(): the signature check,
 * the CPU-heavy step, which appraise-local-files.ts may run on a worker
 * thread. `skipped`: the policy exempts the path (no appraise() needed).
 */
export interface MeasuredFile {
  path: string;
  ctx: AccessContext;
  blob: Buffer | null;
  digest: Buffer | null;
  algo: string | null;
  skipped: string | null;
}

/** The options appraise() gets for this file (the policy's for its path and access). */
export function appraiseOptionsFor(m: MeasuredFile, o: AppraiseFileOptions): AppraiseOptions {
  return o.policy.appraiseOptions(m.ctx, { now: o.now });
}

/** appraise() (unless `v`, its result computed elsewhere, is given), decide, log. */
export function completeAppraisal(m: MeasuredFile, o: AppraiseFileOptions, v?: Verdict): FileAppraisal {
  const { path, ctx, blob, digest, algo } = m;
  v ??= m.skipped !== null ? verdict('ok', m.skipped) : appraise({ blob, digest, keyring: o.keyring, options: appraiseOptionsFor(m, o) });
  const decision = o.policy.decide(v, ctx);
  if (debug.enabled) debug('%s %s: %s %s (%s)', ctx.access, ctx.path, decision.allowed ? 'allow' : 'deny', decision.verdict.code, decision.verdict.reason);
  if (o.log && decision.appraised) o.log.record({ path: ctx.path, access: ctx.access, algo, digest, blob, decision });
  return { path, verdict: decision.verdict, decision, algo, digest, blob };
}

function skip(path: string, ctx: AccessContext, reason: string): MeasuredFile {
  return { path, ctx, blob: null, digest: null, algo: null, skipped: reason };
}

/** Throws (ENOENT etc., or IMAFS_CONFIG for a non-regular file) when `path` cannot be appraised at all. */
export async function appraiseFile(path: string, o: AppraiseFileOptions): Promise<FileAppraisal> {
  if (!o.knownRegular && !(await stat(path)).isFile()) throw notRegular(path);
  const ctx = { path: o.policyPath ?? path, access: o.access ?? 'read' };
  const need = o.policy.needsAppraisal(ctx);
  if (!need.appraise) return completeAppraisal(skip(path, ctx, need.reason), o);
  const blob = await readImaXattr(path);
  const m = createBlobMeasurer(blob);
  const digest = m ? await measureFile(path, m) : null;
  return completeAppraisal({ path, ctx, blob, digest, algo: m?.algo.name ?? null, skipped: null }, o);
}

/** Everything appraiseFileSync does before appraise(); throws as it does. */
export function measureForAppraisalSync(path: string, o: AppraiseFileOptions): MeasuredFile {
  if (!o.knownRegular && !statSync(path).isFile()) throw notRegular(path);
  const ctx = { path: o.policyPath ?? path, access: o.access ?? 'read' };
  const need = o.policy.needsAppraisal(ctx);
  if (!need.appraise) return skip(path, ctx, need.reason);
  const blob = readImaXattrSync(path);
  const m = createBlobMeasurer(blob);
  const digest = m ? measureFileSync(path, m, undefined, o.knownSize) : null;
  return { path, ctx, blob, digest, algo: m?.algo.name ?? null, skipped: null };
}

export function appraiseFileSync(path: string, o: AppraiseFileOptions): FileAppraisal {
  return completeAppraisal(measureForAppraisalSync(path, o), o);
}
