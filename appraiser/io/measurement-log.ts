/**
 * The measurement log: one line per appraisal, append-only, written with one
 * unbuffered write(2) per line so a crash never loses a finished line.
 *   ascii: the kernel's ascii_runtime_measurements format, template ima-sig
 *          (core/measurement-entry.ts)
 *   json:  JSON lines with verdict code, reason, policy decision and time
 * An entry without a content digest (nothing was measured) goes to the JSON
 * log only, since an ima-sig line needs one.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { ImafsAppraiserError } from '../errors.js';
import { imaSigAsciiLine, jsonLogRecord } from '../core/measurement-entry.js';
import type { AccessKind, Decision } from '../core/policy.js';

export interface MeasurementLogPaths {
  ascii?: string;
  json?: string;
}

export interface LogEntry {
  path: string;
  access?: AccessKind;
  algo?: string | null;
  digest?: Uint8Array | null;
  blob?: Uint8Array | null;
  decision: Decision;
  time?: Date;
}

function openAppend(file: string): number {
  try {
    return openSync(file, 'a', 0o644);
  } catch (e) {
    throw new ImafsAppraiserError('IMAFS_CONFIG', `${file}: cannot open measurement log: ${(e as Error).message}`, { file, cause: e });
  }
}

export class MeasurementLog {
  private asciiFd: number | null;
  private jsonFd: number | null;

  constructor(paths: MeasurementLogPaths) {
    this.asciiFd = paths.ascii ? openAppend(paths.ascii) : null;
    this.jsonFd = paths.json ? openAppend(paths.json) : null;
  }

  record(e: LogEntry): void {
    const algo = e.algo ?? e.decision.verdict.algo ?? null;
    if (this.asciiFd !== null && algo && e.digest) {
      writeSync(this.asciiFd, `${imaSigAsciiLine({ path: e.path, algo, digest: e.digest, blob: e.blob })}\n`);
    }
    if (this.jsonFd !== null) {
      writeSync(this.jsonFd, `${JSON.stringify(jsonLogRecord({ path: e.path, access: e.access, algo, digest: e.digest, decision: e.decision, time: e.time }))}\n`);
    }
  }

  close(): void {
    if (this.asciiFd !== null) closeSync(this.asciiFd);
    if (this.jsonFd !== null) closeSync(this.jsonFd);
    this.asciiFd = this.jsonFd = null;
  }
}
