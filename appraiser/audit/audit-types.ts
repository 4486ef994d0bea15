/**
 * Values the audit engine produces and the reporters consume. Kept free of
 * I/O so reporters can be tested with literal results.
 */

/**
 * An appraiser verdict code, or `read-error` when the entry could not be
 * stat'ed, read or its IMA metadata fetched (an NFS or filesystem error). A
 * read error is never counted as allowed: the file was not checked.
 */
export type AuditCode = string;

export const READ_ERROR = 'read-error';

export interface AuditFileResult {
  /** Path relative to the audited root, '/'-separated, with a leading '/'. */
  path: string;
  /** Bytes measured (0 when the content was not read). */
  size: number;
  code: AuditCode;
  reason: string;
  /** The policy's decision; false for every read error. */
  allowed: boolean;
  /** False when the policy exempts this path from appraisal. */
  appraised: boolean;
  algo?: string;
  keyid?: string;
  /** Wall time spent on this file (metadata fetch, read, hash, verify). */
  ms?: number;
  /** For read errors: the error's stable code and, for NFS errors, the status name. */
  error?: { code: string; status?: string };
}

export interface AuditSummary {
  /** Regular files examined (allowed + denied). */
  files: number;
  allowed: number;
  denied: number;
  /** Of the denied, how many were read errors rather than verdicts. */
  errors: number;
  /** Symlinks and special files, which are listed but never appraised. */
  skipped: number;
  bytes: number;
  durationMs: number;
  /** Count of files per verdict code (including read-error), sorted by code. */
  byCode: Record<string, number>;
}

export interface AuditReport {
  /** The source as the user named it (URL or directory). */
  source: string;
  policy: string;
  /** Sorted by path so reports are stable between runs. */
  results: AuditFileResult[];
  summary: AuditSummary;
}

/** Progress as the engine sees it; the CLI renders it (or not). */
export interface AuditProgress {
  /** Regular files found by the walker so far (grows until `walkDone`). */
  found: number;
  walkDone: boolean;
  done: number;
  bytes: number;
}
