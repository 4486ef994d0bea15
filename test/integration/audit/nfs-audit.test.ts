/**
 * `imafs audit` over NFS: against `imafs serve` exporting the evmctl-signed
 * tree (the same counts as the local audit), and against nfs-ganesha, a
 * legacy server, where Strict reports every file no-metadata.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../helpers/free-port.js';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { tmpDir, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { assertStrictTreeSummary, imafs, makeSignedTree, TREE_BY_CODE, TREE_PATHS, type JsonReport } from './signed-tree.js';

describe('audit over imafs serve', () => {
  let t: TmpDir;
  let key: TestKey;
  let srv: ServeHandle | undefined;

  before(async () => {
    t = tmpDir('imafs-audit-nfs-');
    mkdirSync(join(t.dir, 'keys'));
    ({ key } = makeSignedTree(join(t.dir, 'tree'), join(t.dir, 'keys')));
    srv = await startImafsServe(join(t.dir, 'tree'));
  });

  after(async () => {
    await srv?.stop();
    t?.cleanup();
  });

  test('json: the same exact counts as the local audit, exit 1', () => {
    const r = imafs(['audit', '--keys', key.cert, '--format', 'json', srv!.url('')]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    const rep = JSON.parse(r.stdout) as JsonReport;
    assertStrictTreeSummary(rep);
    assert.deepEqual(rep.files.map((f) => f.path), TREE_PATHS);
    const by = new Map(rep.files.map((f) => [f.path, f]));
    assert.equal(by.get('/tampered.bin')!.verdict, 'digest-mismatch');
    assert.equal(by.get('/good/a.bin')!.keyid, key.skidKeyid);
  });

  test('junit: 8 testcases, 4 failures, 0 errors; --jobs 1 and --jobs 32 agree', () => {
    const xml1 = imafs(['audit', '--keys', key.cert, '--format', 'junit', '--jobs', '1', srv!.url('')]);
    const xml32 = imafs(['audit', '--keys', key.cert, '--format', 'junit', '--jobs', '32', srv!.url('')]);
    for (const r of [xml1, xml32]) {
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /<testsuites name="imafs audit" tests="8" failures="4" errors="0"/);
      assert.equal(r.stdout.match(/<testcase /g)?.length, 8);
      assert.equal(r.stdout.match(/<failure /g)?.length, 4);
    }
    const strip = (s: string): string => s.replace(/time="[0-9.]+"/g, '');
    assert.equal(strip(xml1.stdout), strip(xml32.stdout));
  });

  test('a signed subtree passes with exit 0', () => {
    const r = imafs(['audit', '--keys', key.cert, srv!.url('good')]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: 3 files, 3 allowed, 0 denied \(0 read errors\), 0 skipped, /);
  });

  test('a URL naming a symlink audits what it points to', () => {
    const r = imafs(['audit', '--keys', key.cert, '--format', 'json', srv!.url('link')]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const rep = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(rep.summary.byCode, { ok: 1 });
    assert.equal(rep.summary.bytes, 4097);
  });

  test('--policy audit: exit 0, verdicts still reported', () => {
    const r = imafs(['audit', '--keys', key.cert, '--policy', 'audit', '--format', 'json', srv!.url('')]);
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as JsonReport;
    assert.equal(rep.summary.allowed, 8);
    assert.deepEqual(rep.summary.byCode, TREE_BY_CODE);
  });

  test('exit 3 for a missing export path and for a port nobody listens on', async () => {
    const missing = imafs(['audit', '--keys', key.cert, srv!.url('no/such/dir')]);
    assert.equal(missing.status, 3, missing.stderr);
    assert.match(missing.stderr, /NFS4ERR_NOENT/);
    const port = await freePort();
    const refused = imafs(['audit', '--keys', key.cert, `nfs://127.0.0.1:${port}/`]);
    assert.equal(refused.status, 3, refused.stderr);
    assert.match(refused.stderr, /cannot reach nfs:\/\/127\.0\.0\.1:\d+\/: /);
    const badUrl = imafs(['audit', '--keys', key.cert, 'nfs://127.0.0.1:99999/']);
    assert.equal(badUrl.status, 2, badUrl.stderr);
  });
});

describe('audit over imafs serve --appraise strict (the server refuses failing files)', () => {
  let t: TmpDir;
  let key: TestKey;
  let srv: ServeHandle | undefined;

  before(async () => {
    t = tmpDir('imafs-audit-srvappraise-');
    mkdirSync(join(t.dir, 'keys'));
    ({ key } = makeSignedTree(join(t.dir, 'tree'), join(t.dir, 'keys')));
    srv = await startImafsServe(join(t.dir, 'tree'), { args: ['--appraise', 'strict', '--keys', key.cert] });
  });

  after(async () => {
    await srv?.stop();
    t?.cleanup();
  });

  test('content the server will not serve is a read error naming NFS4ERR_INTEGRITY; metadata-only verdicts unchanged', () => {
    const r = imafs(['audit', '--keys', key.cert, '--format', 'json', srv!.url('')]);
    assert.equal(r.status, 1, r.stderr);
    const rep = JSON.parse(r.stdout) as JsonReport;
    // unsigned.txt and weird.bin are judged by their metadata alone (no READ); tampered.bin and
    // other-key.bin need their content, which the server refuses.
    assert.deepEqual(rep.summary.byCode, { 'no-metadata': 1, ok: 4, 'read-error': 2, 'unknown-format': 1 });
    for (const p of ['/tampered.bin', '/other-key.bin']) {
      const f = rep.files.find((x) => x.path === p)!;
      assert.equal(f.error?.status, 'NFS4ERR_INTEGRITY');
      assert.match(f.reason, /NFS4ERR_INTEGRITY \(the server's own appraisal refused this file\)$/);
    }
  });
});

describe('audit over nfs-ganesha (legacy server, no FATTR4_IMA)', () => {
  let t: TmpDir;
  let key: TestKey;
  let g: Ganesha | undefined;

  before(async () => {
    t = tmpDir('imafs-audit-ganesha-');
    mkdirSync(join(t.dir, 'keys'));
    ({ key } = makeSignedTree(join(t.dir, 'tree'), join(t.dir, 'keys')));
    g = await startGanesha({ exportDir: join(t.dir, 'tree') });
  });

  after(async () => {
    await g?.stop();
    t?.cleanup();
  });

  test('strict: every file no-metadata, "server does not support FATTR4_IMA", exit 1', () => {
    const r = imafs(['audit', '--keys', key.cert, '--format', 'json', g!.url('')]);
    assert.equal(r.status, 1, r.stderr);
    const rep = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(rep.summary.byCode, { 'no-metadata': 8 });
    assert.equal(rep.summary.denied, 8);
    assert.equal(rep.summary.skipped, 1);
    assert.deepEqual(rep.files.map((f) => f.path), TREE_PATHS);
    for (const f of rep.files) assert.equal(f.reason, 'server does not support FATTR4_IMA');
    const junit = imafs(['audit', '--keys', key.cert, '--format', 'junit', g!.url('')]);
    assert.match(junit.stdout, /tests="8" failures="8" errors="0"/);
    assert.equal(junit.stdout.match(/<failure type="no-metadata" message="server does not support FATTR4_IMA">/g)?.length, 8);
  });

  test('audit policy: every file allowed with the same verdict, exit 0', () => {
    const r = imafs(['audit', '--keys', key.cert, '--policy', 'audit', g!.url('')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => /^WARN  no-metadata\s+\/\S+: server does not support FATTR4_IMA$/.test(l)).length, 8);
  });

});

describe('audit over nfs-ganesha with an unreadable directory', () => {
  let t: TmpDir;
  let g: Ganesha | undefined;

  before(async () => {
    t = tmpDir('imafs-audit-access-');
    const tree = join(t.dir, 'tree');
    mkdirSync(join(tree, 'private'), { recursive: true });
    chmodSync(tree, 0o755);
    chmodSync(join(tree, 'private'), 0o700);
    writeFileSync(join(tree, 'private', 'x'), 'x');
    writeFileSync(join(tree, 'pub'), 'p');
    // ganesha caches directory contents: the tree is complete before it starts.
    g = await startGanesha({ exportDir: tree });
  });

  after(async () => {
    await g?.stop();
    t?.cleanup();
  });

  test('one read-error result (NFS4ERR_ACCESS) for the directory, the rest still audited, exit 1 even under audit', () => {
    const r = imafs(['audit', '--policy', 'audit', '--uid', '1000', '--gid', '1000', '--format', 'json', g!.url('')]);
    assert.equal(r.status, 1, r.stderr);
    const rep = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(rep.summary.byCode, { 'no-metadata': 1, 'read-error': 1 });
    assert.equal(rep.summary.errors, 1);
    assert.equal(rep.summary.allowed, 1);
    const p = rep.files.find((f) => f.path === '/private')!;
    assert.deepEqual(p.error, { code: 'IMAFS_NFS_STATUS', status: 'NFS4ERR_ACCESS' });
    assert.equal(p.allowed, false);
    const junit = imafs(['audit', '--policy', 'audit', '--uid', '1000', '--gid', '1000', '--format', 'junit', g!.url('')]);
    assert.match(junit.stdout, /tests="2" failures="0" errors="1"/);
    assert.match(junit.stdout, /<error type="NFS4ERR_ACCESS" message="READDIR \/export\/private failed: NFS4ERR_ACCESS">/);
    // As root the same tree is fully readable: the error came from the server's permission check.
    const root = imafs(['audit', '--policy', 'audit', '--format', 'json', g!.url('')]);
    assert.equal(root.status, 0, root.stderr);
    assert.deepEqual((JSON.parse(root.stdout) as JsonReport).summary.byCode, { 'no-metadata': 2 });
  });
});
