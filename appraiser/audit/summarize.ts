import { READ_ERROR, type AuditFileResult, type AuditSummary } from './audit-types.js';

/** Counts per decision and per verdict code; pure so reporters and tests share it. */
export function summarize(results: readonly AuditFileResult[], skipped: number, durationMs: number): AuditSummary {
  const counts = new Map<string, number>();
  let allowed = 0;
  let errors = 0;
  let bytes = 0;
  for (const r of results) {
    counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
    if (r.allowed) allowed++;
    if (r.code === READ_ERROR) errors++;
    bytes += r.size;
  }
  const byCode: Record<string, number> = {};
  for (const code of [...counts.keys()].sort()) byCode[code] = counts.get(code)!;
  return {
    files: results.length,
    allowed,
    denied: results.length - allowed,
    errors,
    skipped,
    bytes,
    durationMs,
    byCode,
  };
}

/** Stable order for reports: by path, byte-wise (not locale-dependent). */
export function sortResults(results: AuditFileResult[]): AuditFileResult[] {
  return results.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
