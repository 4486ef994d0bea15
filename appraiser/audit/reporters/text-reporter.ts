import type { AuditReport } from '../audit-types.js';
import { READ_ERROR } from '../audit-types.js';

/**
 * Human report: one line per file that is not plainly fine (denied, read error,
 * or allowed under Audit with a non-ok verdict), then a summary with counts per
 * verdict code. Lines start with a fixed word (DENY, WARN, ERROR) so CI logs
 * can be grepped.
 */
export function formatText(report: AuditReport): string {
  const lines: string[] = [];
  for (const r of report.results) {
    if (r.allowed && (r.code === 'ok' || !r.appraised)) continue;
    const word = r.code === READ_ERROR ? 'ERROR' : r.allowed ? 'WARN ' : 'DENY ';
    lines.push(`${word} ${r.code.padEnd(20)} ${printable(r.path)}: ${printable(r.reason.replace(/\s*\n\s*/g, ' '))}`);
  }
  const s = report.summary;
  if (lines.length > 0) lines.push('');
  lines.push(
    `imafs audit ${report.source} (policy ${report.policy}): ${s.files} ${plural(s.files, 'file')}, ` +
      `${s.allowed} allowed, ${s.denied} denied (${s.errors} read ${plural(s.errors, 'error')}), ` +
      `${s.skipped} skipped, ${formatBytes(s.bytes)} in ${(s.durationMs / 1000).toFixed(2)} s`,
  );
  const width = Math.max(0, ...Object.keys(s.byCode).map((c) => c.length));
  for (const [code, n] of Object.entries(s.byCode)) lines.push(`  ${code.padEnd(width)}  ${n}`);
  return `${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** Control characters in file names would corrupt a terminal; show them escaped. */
function printable(path: string): string {
  // eslint-disable-next-line no-control-regex
  return path.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}
