/**
 * What `imafs verify` does once its flags are parsed; loaded only when the
 * command runs (bin/commands/verify.ts defines the flags). The files go to
 * appraiseLocalFiles, which shares them between this thread and worker
 * threads when there are many; rows and log lines stay in argument order.
 */
import { isAbsolute, resolve } from 'node:path';
import { loadAppraisal, type AppraisalFlags } from '../appraisal-options.js';
import { appraiseLocalFiles } from '../../appraiser/io/appraise-local-files.js';
// Loaded with this module's graph rather than later by loadAppraisal (each dynamic import waits for its own file reads).
import '../../appraiser/io/load-keyring.js';
import type { LocalFileResult } from '../../appraiser/io/appraise-local-file.js';
import type { MeasurementLog } from '../../appraiser/io/measurement-log.js';
import type { EarlyThreads } from '../../appraiser/io/pool-thread.js';
import type { AccessKind } from '../../appraiser/core/policy.js';
import { EXIT } from '../exit-codes.js';

export interface VerifyFlags extends AppraisalFlags {
  json?: boolean;
  access: AccessKind;
  log?: string;
  jsonLog?: string;
  threads?: number;
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

/** `early`: worker threads started before the keys were loaded (verify.ts); they get the keys here. */
export async function runVerify(files: string[], flags: VerifyFlags, early: EarlyThreads | null = null): Promise<void> {
  let setup;
  try {
    const { keyring, policy } = await loadAppraisal(flags);
    early?.supply(keyring, policy);
    const log = flags.log || flags.jsonLog
      ? new (await import('../../appraiser/io/measurement-log.js')).MeasurementLog({ ascii: flags.log, json: flags.jsonLog })
      : null;
    setup = { keyring, policy, log };
  } catch (e) {
    early?.fail(e);
    throw e;
  }
  const { keyring, policy, log } = setup;
  // Text lines are built as results arrive (argument order), rows are kept only for --json.
  const mode = flags.policy ?? policy.mode;
  const rows: Row[] | null = flags.json ? new Array(files.length) : null;
  let text = '';
  let allAllowed = true;
  let reported = 0;
  try {
    await appraiseLocalFiles(files, {
      keyring, policy, access: flags.access, workers: flags.threads, threads: early?.threads, keepResults: false,
      onResult: (r, i) => {
        const row = toRow(r, log, flags.access);
        reported++;
        if (!row.allowed) allAllowed = false;
        if (rows) rows[i] = row;
        else text += `${row.path}: ${decisionWord(row, mode)} ${row.verdict} (${row.reason})\n`;
      },
    });
  } finally {
    log?.close();
  }
  // Fail closed: every file has a verdict line, or the run is an error.
  if (reported !== files.length) throw new Error(`${files.length - reported} of ${files.length} files got no result`);
  // One write: a line per write(2) costs more than the appraisal of a small file.
  process.stdout.write(rows ? `${JSON.stringify(rows, null, 2)}\n` : text);
  process.exitCode = allAllowed ? EXIT.OK : EXIT.FAILED;
}

function toRow(r: LocalFileResult, log: MeasurementLog | null, access: AccessKind): Row {
  try {
    if ('error' in r) throw r.error;
    const d = r.decision;
    const v = d.verdict;
    if (log && d.appraised) log.record({ path: isAbsolute(r.path) ? r.path : resolve(r.path), access, algo: r.algo, digest: r.digest, blob: r.blob, decision: d });
    return {
      path: r.path, verdict: d.appraised ? v.code : 'not-appraised', allowed: d.allowed, appraised: d.appraised,
      reason: d.appraised ? v.reason : d.reason,
      ...(v.algo ? { algo: v.algo } : {}), ...(v.keyid ? { keyid: v.keyid } : {}),
    };
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { path: r.path, verdict: 'error', allowed: false, appraised: false, reason: err.code && !err.code.startsWith('IMAFS_') ? `cannot read: ${err.code}` : err.message };
  }
}

function decisionWord(r: Row, mode: string): string {
  // Denied first: a file that could not be read is not appraised and not allowed either.
  if (!r.allowed) return 'denied';
  if (!r.appraised) return 'allowed';
  return mode === 'audit' && r.verdict !== 'ok' ? 'allowed(audit)' : 'allowed';
}
