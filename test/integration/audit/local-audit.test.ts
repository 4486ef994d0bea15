/**
 * `imafs audit <local dir>`: the real CLI over a tree signed with real evmctl,
 * security.ima read from local xattrs. Counts, reports and exit codes exact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tmpDir, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';
import { assertStrictTreeSummary, imafs, makeSignedTree, TREE_PATHS, type JsonReport } from './signed-tree.js';

let t: TmpDir;
let key: TestKey;
let tree: string;

before(() => {
  t = tmpDir('imafs-audit-local-');
  mkdirSync(join(t.dir, 'keys'));
  ({ tree, key } = makeSignedTree(join(t.dir, 'tree'), join(t.dir, 'keys')));
});

after(() => t?.cleanup());

test('json: exact counts per verdict, exit 1, nothing on stderr when not a TTY', () => {
  const r = imafs(['audit', '--keys', key.cert, '--format', 'json', '--jobs', '3', tree]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, '');
  const rep = JSON.parse(r.stdout) as JsonReport;
  assert.equal(rep.policy, 'strict');
  assertStrictTreeSummary(rep);
  const by = new Map(rep.files.map((f) => [f.path, f]));
  assert.deepEqual([...by.keys()], TREE_PATHS);
  assert.equal(by.get('/good/a.bin')!.verdict, 'ok');
  assert.equal(by.get('/good/a.bin')!.keyid, key.skidKeyid);
  assert.equal(by.get('/tampered.bin')!.verdict, 'digest-mismatch');
  assert.equal(by.get('/unsigned.txt')!.verdict, 'no-metadata');
  assert.equal(by.get('/weird.bin')!.verdict, 'unknown-format');
  assert.equal(by.get('/other-key.bin')!.verdict, 'unknown-key');
});

test('junit: one testcase per file, 4 failures, 0 errors', () => {
  const r = imafs(['audit', '--keys', key.cert, '--format', 'junit', tree]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /<testsuites name="imafs audit" tests="8" failures="4" errors="0"/);
  assert.equal(r.stdout.match(/<testcase /g)?.length, 8);
  assert.equal(r.stdout.match(/<failure /g)?.length, 4);
  assert.match(r.stdout, /<failure type="digest-mismatch" message="[^"]+">/);
  assert.match(r.stdout, /<testcase classname="imafs.audit" name="\/good\/sub\/deep.txt" time="[0-9.]+"\/>/);
});

test('text: one line per denied file, summary counts; --output writes the report to a file', () => {
  const out = join(t.dir, 'report.xml');
  const r = imafs(['audit', '--keys', key.cert, '--format', 'junit', '--output', out, tree]);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('DENY ')).length, 4);
  assert.ok(lines.some((l) => /^DENY  digest-mismatch\s+\/tampered\.bin: /.test(l)), r.stdout);
  assert.ok(lines.some((l) => l.startsWith(`imafs audit ${tree} (policy strict): 8 files, 4 allowed, 4 denied (0 read errors), 1 skipped, `)), r.stdout);
  assert.ok(lines.includes('  ok               4'), r.stdout);
  const xml = spawnSync('cat', [out], { encoding: 'utf8' }).stdout;
  assert.match(xml, /tests="8" failures="4" errors="0"/);
  const quiet = imafs(['audit', '--quiet', '--keys', key.cert, '--format', 'junit', '--output', out, tree]);
  assert.equal(quiet.status, 1);
  assert.equal(quiet.stdout, '');
  assert.equal(quiet.stderr, '');
});

test('--require-signature turns the digest-only file into signature-required', () => {
  const r = imafs(['audit', '--keys', key.cert, '--require-signature', '--format', 'json', tree]);
  assert.equal(r.status, 1, r.stderr);
  const rep = JSON.parse(r.stdout) as JsonReport;
  assert.deepEqual(rep.summary.byCode, { 'digest-mismatch': 1, 'no-metadata': 1, ok: 3, 'signature-required': 1, 'unknown-format': 1, 'unknown-key': 1 });
});

test('a policy file that appraises only executables: the rest not-appraised and allowed', () => {
  const pf = join(t.dir, 'exec-only.policy');
  writeFileSync(pf, '# appraise what runs\nmode=strict\nappraise access=exec\n');
  const r = imafs(['audit', '--keys', key.cert, '--policy-file', pf, '--format', 'json', tree]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const rep = JSON.parse(r.stdout) as JsonReport;
  assert.deepEqual(rep.summary.byCode, { 'not-appraised': 7, ok: 1 });
  assert.equal(rep.files.find((f) => f.verdict === 'ok')!.path, '/good/run.sh');
  // The exempt files were not even read.
  assert.equal(rep.summary.bytes, 18);
  const disabled = imafs(['audit', '--keys', key.cert, '--policy', 'disabled', tree]);
  assert.equal(disabled.status, 2);
  assert.match(disabled.stderr, /--policy must be strict or audit/);
});

test('--policy audit allows everything, reports the verdicts, exits 0', () => {
  const r = imafs(['audit', '--keys', key.cert, '--policy', 'audit', '--format', 'json', tree]);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as JsonReport;
  assert.equal(rep.policy, 'audit');
  assert.equal(rep.summary.allowed, 8);
  assert.equal(rep.summary.denied, 0);
  assert.equal(rep.summary.byCode.ok, 4);
  const text = imafs(['audit', '--keys', key.cert, '--policy', 'audit', tree]);
  assert.equal(text.status, 0);
  assert.equal(text.stdout.split('\n').filter((l) => l.startsWith('WARN ')).length, 4);
});

test('an all-good subtree exits 0; text output is just the summary', () => {
  const r = imafs(['audit', '--keys', key.cert, join(tree, 'good')]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^imafs audit .*: 3 files, 3 allowed, 0 denied \(0 read errors\), 0 skipped, .*\n  ok  3\n$/);
});

test('a symlink named as the source is followed (an audit of nothing must not pass)', () => {
  symlinkSync(join(tree, 'good'), join(t.dir, 'good-link'));
  const dir = imafs(['audit', '--keys', key.cert, '--format', 'json', join(t.dir, 'good-link')]);
  assert.equal(dir.status, 0, dir.stderr);
  assert.deepEqual((JSON.parse(dir.stdout) as JsonReport).summary.byCode, { ok: 3 });
  const file = imafs(['audit', '--keys', key.cert, '--format', 'json', join(tree, 'link')]);
  assert.equal(file.status, 0, file.stderr);
  assert.deepEqual((JSON.parse(file.stdout) as JsonReport).summary.byCode, { ok: 1 });
});

test('a single file can be audited', () => {
  const r = imafs(['audit', '--keys', key.cert, '--format', 'json', join(tree, 'tampered.bin')]);
  assert.equal(r.status, 1);
  const rep = JSON.parse(r.stdout) as JsonReport;
  assert.equal(rep.files.length, 1);
  assert.equal(rep.files[0].path, '/tampered.bin');
  assert.equal(rep.files[0].verdict, 'digest-mismatch');
});

test('exit codes: 3 for a missing source, 2 for a bad key file, bad format, bad --jobs, missing source argument', () => {
  const missing = imafs(['audit', '--keys', key.cert, join(t.dir, 'no-such-dir')]);
  assert.equal(missing.status, 3, missing.stderr);
  assert.match(missing.stderr, /no-such-dir/);
  assert.equal(missing.stdout, '');
  const badKey = imafs(['audit', '--keys', join(t.dir, 'nope.pem'), tree]);
  assert.equal(badKey.status, 2, badKey.stderr);
  assert.match(badKey.stderr, /nope\.pem/);
  const junkKey = join(t.dir, 'junk.pem');
  writeFileSync(junkKey, 'not a certificate\n');
  assert.equal(imafs(['audit', '--keys', junkKey, tree]).status, 2);
  assert.equal(imafs(['audit', '--keys', key.cert, '--format', 'xml', tree]).status, 2);
  for (const bad of ['0', '257', 'many']) {
    const r = imafs(['audit', '--keys', key.cert, '--jobs', bad, tree]);
    assert.equal(r.status, 2, `--jobs ${bad}`);
    assert.match(r.stderr, /--jobs must be an integer from 1 to 256/);
  }
  assert.equal(imafs(['audit', '--keys', key.cert]).status, 2);
  const badOut = imafs(['audit', '--keys', key.cert, '--output', join(t.dir, 'no', 'such', 'dir', 'r.xml'), tree]);
  assert.equal(badOut.status, 2, badOut.stderr);
  assert.match(badOut.stderr, /--output .*r\.xml: cannot write: ENOENT/);
  const badPolicy = join(t.dir, 'bad.policy');
  writeFileSync(badPolicy, 'this is not a policy\n');
  const bp = imafs(['audit', '--keys', key.cert, '--policy-file', badPolicy, tree]);
  assert.equal(bp.status, 2, bp.stderr);
  assert.match(bp.stderr, /bad\.policy/);
});

/** Runs the CLI under a pseudo-terminal (util-linux script(1)) so stdout and stderr are TTYs. */
function underTty(args: string[]): { status: number | null; out: string } {
  const cmd = [process.execPath, IMAFS_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qefc', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, COLUMNS: '120' } });
  return { status: r.status, out: r.stdout };
}

test('progress bar with files/s and bytes/s on a TTY only, and not with --quiet', () => {
  const tty = underTty(['audit', '--keys', key.cert, tree]);
  assert.equal(tty.status, 1, tty.out);
  assert.match(tty.out, /auditing \[.*\] \d+\/\d+\+? files \| \d+ files\/s \| [0-9.]+ (B|KiB|MiB|GiB)\/s/);
  const quiet = underTty(['audit', '--quiet', '--keys', key.cert, tree]);
  assert.equal(quiet.status, 1);
  assert.doesNotMatch(quiet.out, /auditing|files\/s/);
  assert.match(quiet.out, /8 files, 4 allowed, 4 denied/);
  const piped = imafs(['audit', '--keys', key.cert, tree]);
  assert.doesNotMatch(piped.stdout + piped.stderr, /auditing|files\/s|\x1b\[/);
});
