import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditFileResult, AuditReport } from '../../../appraiser/audit/audit-types.js';
import { formatJson, formatJunit, formatText } from '../../../appraiser/audit/reporters/index.js';
import { sortResults, summarize } from '../../../appraiser/audit/summarize.js';

const results: AuditFileResult[] = [
  { path: '/bin/true', size: 100, code: 'ok', reason: 'signature verified', allowed: true, appraised: true, algo: 'sha256', keyid: 'a1b2c3d4', ms: 2 },
  { path: '/bin/tampered', size: 10, code: 'digest-mismatch', reason: 'signature does not match content', allowed: false, appraised: true, algo: 'sha256' },
  { path: '/unsigned', size: 5, code: 'no-metadata', reason: 'file has no IMA metadata', allowed: false, appraised: true },
  { path: '/weird', size: 0, code: 'unknown-format', reason: 'unknown type 0x7f', allowed: false, appraised: true },
  { path: '/gone', size: 0, code: 'read-error', reason: 'READ /gone failed: NFS4ERR_ACCESS', allowed: false, appraised: false, error: { code: 'IMAFS_NFS_STATUS', status: 'NFS4ERR_ACCESS' } },
  { path: '/docs/readme', size: 7, code: 'ok', reason: 'digest matches', allowed: true, appraised: true },
  { path: '/a<&>"\u0001b', size: 1, code: 'bad-signature', reason: 'x < y & "z"', allowed: false, appraised: true },
];

function report(rs: AuditFileResult[], policy = 'strict'): AuditReport {
  const sorted = sortResults([...rs]);
  return { source: '/srv/share', policy, results: sorted, summary: summarize(sorted, 2, 1500) };
}

test('summarize counts decisions and verdict codes exactly', () => {
  const s = summarize(results, 2, 1500);
  assert.deepEqual(s, {
    files: 7,
    allowed: 2,
    denied: 5,
    errors: 1,
    skipped: 2,
    bytes: 123,
    durationMs: 1500,
    byCode: { 'bad-signature': 1, 'digest-mismatch': 1, 'no-metadata': 1, ok: 2, 'read-error': 1, 'unknown-format': 1 },
  });
  assert.deepEqual(Object.keys(s.byCode), ['bad-signature', 'digest-mismatch', 'no-metadata', 'ok', 'read-error', 'unknown-format']);
});

test('sortResults orders by path byte-wise', () => {
  assert.deepEqual(sortResults([...results]).map((r) => r.path), ['/a<&>"\u0001b', '/bin/tampered', '/bin/true', '/docs/readme', '/gone', '/unsigned', '/weird']);
});

test('json report: one object per file plus the summary', () => {
  const parsed = JSON.parse(formatJson(report(results)));
  assert.equal(parsed.files.length, 7);
  assert.equal(parsed.source, '/srv/share');
  assert.equal(parsed.policy, 'strict');
  assert.equal(parsed.files.filter((f: { allowed: boolean }) => f.allowed).length, 2);
  assert.deepEqual(parsed.files.find((f: { path: string }) => f.path === '/bin/true'), {
    path: '/bin/true', verdict: 'ok', allowed: true, appraised: true, reason: 'signature verified', size: 100, algo: 'sha256', keyid: 'a1b2c3d4',
  });
  assert.deepEqual(parsed.files.find((f: { path: string }) => f.path === '/gone').error, { code: 'IMAFS_NFS_STATUS', status: 'NFS4ERR_ACCESS' });
  assert.equal('error' in parsed.files.find((f: { path: string }) => f.path === '/unsigned'), false);
  assert.deepEqual(parsed.summary.byCode, { 'bad-signature': 1, 'digest-mismatch': 1, 'no-metadata': 1, ok: 2, 'read-error': 1, 'unknown-format': 1 });
});

test('junit report: one testcase per file, failures and errors counted exactly, XML escaped', () => {
  const xml = formatJunit(report(results));
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="imafs audit" tests="7" failures="4" errors="1" time="1.500">/);
  assert.match(xml, /<testsuite name="imafs audit \/srv\/share" tests="7" failures="4" errors="1" skipped="0" time="1.500">/);
  assert.equal(xml.match(/<testcase /g)?.length, 7);
  assert.equal(xml.match(/<failure /g)?.length, 4);
  assert.equal(xml.match(/<error /g)?.length, 1);
  assert.match(xml, /<failure type="digest-mismatch" message="signature does not match content">verdict: digest-mismatch\nreason: signature does not match content\nalgorithm: sha256<\/failure>/);
  assert.match(xml, /<error type="NFS4ERR_ACCESS" message="READ \/gone failed: NFS4ERR_ACCESS">/);
  assert.match(xml, /<testcase classname="imafs.audit" name="\/bin\/true" time="0.002"\/>/);
  // The name with markup characters and a control character stays well-formed.
  assert.match(xml, /name="\/a&lt;&amp;&gt;&quot;\ufffdb"/);
  assert.match(xml, /message="x &lt; y &amp; &quot;z&quot;"/);
  assert.doesNotMatch(xml, /[\x00-\x08]/);
});

test('junit report under audit policy: allowed warnings pass with system-out', () => {
  const audit = results.map((r) => (r.code === 'read-error' ? r : { ...r, allowed: true }));
  const xml = formatJunit(report(audit, 'audit'));
  assert.equal(xml.match(/<failure /g), null);
  assert.equal(xml.match(/<error /g)?.length, 1);
  assert.equal(xml.match(/<system-out>allowed under audit policy; verdict: /g)?.length, 4);
  assert.match(xml, /tests="7" failures="0" errors="1"/);
});

test('text report: one line per non-ok file, then summary with counts per code', () => {
  const txt = formatText(report(results));
  const lines = txt.trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('DENY ')).length, 4);
  assert.equal(lines.filter((l) => l.startsWith('ERROR ')).length, 1);
  assert.equal(lines.filter((l) => l.startsWith('WARN ')).length, 0);
  assert.ok(lines.includes('DENY  digest-mismatch      /bin/tampered: signature does not match content'));
  assert.ok(lines.includes('DENY  bad-signature        /a<&>"\\x01b: x < y & "z"'));
  assert.ok(lines.includes('imafs audit /srv/share (policy strict): 7 files, 2 allowed, 5 denied (1 read error), 2 skipped, 123 B in 1.50 s'));
  assert.deepEqual(lines.slice(-6), [
    '  bad-signature    1',
    '  digest-mismatch  1',
    '  no-metadata      1',
    '  ok               2',
    '  read-error       1',
    '  unknown-format   1',
  ]);
  assert.equal(txt.includes('/bin/true'), false);
});

test('text report under audit policy marks allowed non-ok files WARN', () => {
  const audit = results.map((r) => (r.code === 'read-error' ? r : { ...r, allowed: true }));
  const lines = formatText(report(audit, 'audit')).split('\n');
  assert.equal(lines.filter((l) => l.startsWith('WARN ')).length, 4);
  assert.equal(lines.filter((l) => l.startsWith('DENY ')).length, 0);
});

test('empty audit reports zero everywhere', () => {
  const r = report([]);
  assert.deepEqual(JSON.parse(formatJson(r)).files, []);
  assert.match(formatJunit(r), /tests="0" failures="0" errors="0"/);
  assert.match(formatText(r), /^imafs audit \/srv\/share \(policy strict\): 0 files, 0 allowed, 0 denied \(0 read errors\), 2 skipped, 0 B in 1.50 s\n$/);
});
