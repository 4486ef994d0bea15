import type { AuditFileResult, AuditReport } from '../audit-types.js';
import { READ_ERROR } from '../audit-types.js';

/**
 * JUnit XML, the format Jenkins, GitLab (artifacts:reports:junit), GitHub
 * test-report actions and Azure DevOps all read: one <testcase> per file.
 * A denied verdict is a <failure> (type = verdict code, message = reason); a
 * read error is an <error>; an allowed non-ok verdict under Audit passes and
 * carries the verdict in <system-out> so it stays visible.
 *
 *   <testsuites tests failures errors time>
 *     <testsuite name tests failures errors skipped time>
 *       <testcase classname name time> [<failure type message>text</failure>] </testcase>
 */
export function formatJunit(report: AuditReport): string {
  const s = report.summary;
  const failures = s.denied - s.errors;
  const time = (s.durationMs / 1000).toFixed(3);
  const counts = `tests="${s.files}" failures="${failures}" errors="${s.errors}"`;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="imafs audit" ${counts} time="${time}">`,
    `  <testsuite name="${attr(`imafs audit ${report.source}`)}" ${counts} skipped="0" time="${time}">`,
    '    <properties>',
    `      <property name="source" value="${attr(report.source)}"/>`,
    `      <property name="policy" value="${attr(report.policy)}"/>`,
    `      <property name="skipped-non-regular" value="${s.skipped}"/>`,
    '    </properties>',
  ];
  for (const r of report.results) out.push(...testcase(r));
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}

function testcase(r: AuditFileResult): string[] {
  const open = `    <testcase classname="imafs.audit" name="${attr(r.path)}" time="${((r.ms ?? 0) / 1000).toFixed(3)}"`;
  const detail = `verdict: ${r.code}\nreason: ${r.reason}${r.algo ? `\nalgorithm: ${r.algo}` : ''}${r.keyid ? `\nkeyid: ${r.keyid}` : ''}`;
  if (r.code === READ_ERROR) {
    return [`${open}>`, `      <error type="${attr(r.error?.status ?? r.error?.code ?? r.code)}" message="${attr(r.reason)}">${text(detail)}</error>`, '    </testcase>'];
  }
  if (!r.allowed) {
    return [`${open}>`, `      <failure type="${attr(r.code)}" message="${attr(r.reason)}">${text(detail)}</failure>`, '    </testcase>'];
  }
  if (r.code !== 'ok' && r.appraised) {
    return [`${open}>`, `      <system-out>${text(`allowed under audit policy; ${detail}`)}</system-out>`, '    </testcase>'];
  }
  return [`${open}/>`];
}

/**
 * XML 1.0 cannot carry most C0 controls even as character references, and file
 * names may contain them: replace those with U+FFFD rather than emit a report
 * a CI server rejects.
 */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '\ufffd').replace(/[\ud800-\udfff]/g, (c, i: number, all: string) => {
    const code = c.charCodeAt(0);
    const next = all.charCodeAt(i + 1);
    const prev = all.charCodeAt(i - 1);
    const paired = code < 0xdc00 ? next >= 0xdc00 && next <= 0xdfff : prev >= 0xd800 && prev < 0xdc00;
    return paired ? c : '\ufffd';
  });
}

function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
