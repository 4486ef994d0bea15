/**
 * What `imafs verify` does once its flags are parsed; loaded only when the
 * command runs (bin/commands/verify.ts defines the flags).
 */
import { isAbsolute, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { loadAppraisal, type AppraisalFlags } from '../appraisal-options.js';
import { appraiseFile, appraiseFileSync } from '../../appraiser/io/appraise-file.js';
import { MeasurementLog } from '../../appraiser/io/measurement-log.js';
import type { AccessKind } from '../../appraiser/core/policy.js';
import { EXIT } from '../exit-codes.js';

export interface VerifyFlags extends AppraisalFlags {
  json?: boolean;
  access: AccessKind;
  log?: string;
  jsonLog?: string;
}

interface Row {
  path: string;
  verdict: string;
  allowed: boolean;
  appraised: boolean;
  reason: string;
  algo?: string;
  keyid?: string;
}

export async function runVerify(files: string[], flags: VerifyFlags): Promise<void> {
  const { keyring, policy } = await loadAppraisal(flags);
  const log = flags.log || flags.jsonLog ? new MeasurementLog({ ascii: flags.log, json: flags.jsonLog }) : null;
  const rows: Row[] = [];
  try {
    for (const file of files) rows.push(await verifyOne(file, { keyring, policy, access: flags.access, log }));
  } finally {
    log?.close();
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else for (const r of rows) process.stdout.write(`${r.path}: ${decisionWord(r, flags.policy ?? policy.mode)} ${r.verdict} (${r.reason})\n`);
  process.exitCode = rows.every((r) => r.allowed) ? EXIT.OK : EXIT.FAILED;
}

/**
 * Small files with synchronous syscalls (a thread-pool hop per call would
 * dominate); large ones asynchronously, so reading the next chunk overlaps
 * hashing the current one.
 */
async function verifyOne(file: string, o: Parameters<typeof appraiseFileSync>[1]): Promise<Row> {
  try {
    const st = statSync(file);
    const opts = { ...o, policyPath: isAbsolute(file) ? file : resolve(file), knownRegular: st.isFile() };
    const r = st.size > 4 << 20 ? await appraiseFile(file, opts) : appraiseFileSync(file, opts);
    const v = r.decision.verdict;
    return {
      path: file, verdict: r.decision.appraised ? v.code : 'not-appraised', allowed: r.decision.allowed, appraised: r.decision.appraised,
      reason: r.decision.appraised ? v.reason : r.decision.reason,
      ...(v.algo ? { algo: v.algo } : {}), ...(v.keyid ? { keyid: v.keyid } : {}),
    };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { path: file, verdict: 'error', allowed: false, appraised: false, reason: err.code && !err.code.startsWith('IMAFS_') ? `cannot read: ${err.code}` : err.message };
  }
}

function decisionWord(r: Row, mode: string): string {
  if (!r.appraised) return 'allowed';
  if (!r.allowed) return 'denied';
  return mode === 'audit' && r.verdict !== 'ok' ? 'allowed(audit)' : 'allowed';
}
