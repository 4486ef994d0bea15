import type { AuditReport } from '../audit-types.js';

/**
 * Machine report: `{ source, policy, files: [...], summary }`, one object per
 * file with the same keys `imafs verify --json` uses (`path`, `verdict`,
 * `allowed`, `reason`) plus what an audit adds. Optional keys are omitted, not
 * null, so consumers can test presence.
 */
export function formatJson(report: AuditReport): string {
  const files = report.results.map((r) => ({
    path: r.path,
    verdict: r.code,
    allowed: r.allowed,
    appraised: r.appraised,
    reason: r.reason,
    size: r.size,
    ...(r.algo === undefined ? {} : { algo: r.algo }),
    ...(r.keyid === undefined ? {} : { keyid: r.keyid }),
    ...(r.error === undefined ? {} : { error: r.error }),
  }));
  return `${JSON.stringify({ source: report.source, policy: report.policy, files, summary: report.summary }, null, 2)}\n`;
}
