/**
 * The open path without FUSE or NFS: a local tree of files signed with real
 * evmctl, the real keyring and policy. Asserts exact errno, verdict codes,
 * bytes, and how often the "server" was read.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evmSign, makeKey, writeContent, type TestKey } from '../../helpers/ima-keys.js';
import { LocalTree } from './local-tree.js';
import { makeCore, readAll } from './pipeline-fixture.js';
import { FMODE_EXEC } from '../../../appraiser/fuse/appraising-fs.js';

const E = constants.errno;
const O_RDONLY = 0x8000; // O_RDONLY | O_LARGEFILE, as FUSE passes it
const EXEC = 0x8000 | FMODE_EXEC;
let dir: string;
let keyDir: string;
let key: TestKey;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'imafs-pipe-'));
  keyDir = mkdtempSync(join(tmpdir(), 'imafs-pipe-keys-'));
  key = makeKey(keyDir, 'rsa2048', { name: 'signer' });
  writeContent(join(dir, 'signed.bin'), 300_000, 7);
  evmSign(join(dir, 'signed.bin'), key, 'sha256');
  writeContent(join(dir, 'tampered.bin'), 5000, 8);
  evmSign(join(dir, 'tampered.bin'), key, 'sha256');
  appendFileSync(join(dir, 'tampered.bin'), 'x');
  writeFileSync(join(dir, 'unsigned.txt'), 'no signature here\n');
  writeContent(join(dir, 'sha512.bin'), 4097, 9);
  evmSign(join(dir, 'sha512.bin'), key, 'sha512');
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

const errno = (n: number) => (e: unknown) => (e as { errno?: number }).errno === n;

test('strict: a signed file is served byte for byte; tampered and unsigned files are EACCES with their verdicts', async (t) => {
  const tree = new LocalTree(dir);
  const core = await makeCore(tree, { mode: 'strict' }, [key.cert]);
  t.after(() => core.close());
  const fh = await core.fs.open('/signed.bin', O_RDONLY);
  assert.ok((await readAll(core.fs, fh)).equals(readFileSync(join(dir, 'signed.bin'))));
  await core.fs.release(fh);
  const fh2 = await core.fs.open('/sha512.bin', EXEC);
  assert.ok((await readAll(core.fs, fh2)).equals(readFileSync(join(dir, 'sha512.bin'))));
  await core.fs.release(fh2);
  await assert.rejects(core.fs.open('/tampered.bin', O_RDONLY), errno(E.EACCES));
  await assert.rejects(core.fs.open('/tampered.bin', EXEC), errno(E.EACCES));
  await assert.rejects(core.fs.open('/unsigned.txt', O_RDONLY), errno(E.EACCES));
  assert.deepEqual(core.events.map((e) => [e.level, e.access, e.path, e.code]), [
    ['deny', 'read', '/tampered.bin', 'digest-mismatch'],
    ['deny', 'exec', '/tampered.bin', 'digest-mismatch'],
    ['deny', 'read', '/unsigned.txt', 'no-metadata'],
  ]);
  assert.deepEqual(core.measurements.map((m) => [m.path, m.verdict.code, m.measured.algo]), [
    ['/signed.bin', 'ok', 'sha256'], ['/sha512.bin', 'ok', 'sha512'], ['/tampered.bin', 'digest-mismatch', 'sha256'], ['/unsigned.txt', 'no-metadata', 'sha256'],
  ]);
  // The tampered file was fetched once: the second (exec) open used the cached verdict.
  assert.equal(tree.calls.reads, 4);
  await assert.rejects(core.fs.open('/signed.bin', 0x8001), errno(E.EROFS));
});

test('audit serves what strict denies, with a warning; disabled serves without appraising', async (t) => {
  const tree = new LocalTree(dir);
  const core = await makeCore(tree, { mode: 'audit' }, [key.cert]);
  t.after(() => core.close());
  const fh = await core.fs.open('/unsigned.txt', O_RDONLY);
  assert.equal((await readAll(core.fs, fh)).toString(), 'no signature here\n');
  const fh2 = await core.fs.open('/tampered.bin', EXEC);
  assert.ok((await readAll(core.fs, fh2)).equals(readFileSync(join(dir, 'tampered.bin'))));
  assert.deepEqual(core.events.map((e) => [e.level, e.path, e.code]), [['warn', '/unsigned.txt', 'no-metadata'], ['warn', '/tampered.bin', 'digest-mismatch']]);

  const tree2 = new LocalTree(dir);
  const core2 = await makeCore(tree2, { mode: 'disabled' }, []);
  t.after(() => core2.close());
  const fh3 = await core2.fs.open('/tampered.bin', O_RDONLY);
  assert.ok((await readAll(core2.fs, fh3)).equals(readFileSync(join(dir, 'tampered.bin'))));
  assert.equal(tree2.calls.getIma, 0);
  assert.deepEqual(core2.events, []);
  assert.deepEqual(core2.measurements, []);
});

test('legacy server (no FATTR4_IMA): strict refuses every file without fetching it; audit serves with a warning', async (t) => {
  const tree = new LocalTree(dir, { imaSupported: false });
  const core = await makeCore(tree, { mode: 'strict' }, [key.cert]);
  t.after(() => core.close());
  await assert.rejects(core.fs.open('/signed.bin', O_RDONLY), errno(E.EACCES));
  assert.equal(tree.calls.reads, 0);
  assert.equal(core.events[0].code, 'no-metadata');
  assert.match(core.events[0].reason, /does not support FATTR4_IMA/);
  const tree2 = new LocalTree(dir, { imaSupported: false });
  const core2 = await makeCore(tree2, { mode: 'audit' }, [key.cert]);
  t.after(() => core2.close());
  const fh = await core2.fs.open('/signed.bin', O_RDONLY);
  assert.ok((await readAll(core2.fs, fh)).equals(readFileSync(join(dir, 'signed.bin'))));
  assert.deepEqual(core2.events.map((e) => [e.level, e.code]), [['warn', 'no-metadata']]);
});

test('policy rules by access kind: appraise exec only', async (t) => {
  const tree = new LocalTree(dir);
  const core = await makeCore(tree, { mode: 'strict', rules: [{ action: 'appraise', access: 'exec' }] }, [key.cert]);
  t.after(() => core.close());
  const fh = await core.fs.open('/unsigned.txt', O_RDONLY);
  assert.equal((await readAll(core.fs, fh)).toString(), 'no signature here\n');
  await assert.rejects(core.fs.open('/unsigned.txt', EXEC), errno(E.EACCES));
});

test('a file changed between two opens is appraised again; only verified new content is served', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'imafs-pipe-chg-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const f = join(d, 'tool');
  writeContent(f, 10_000, 1);
  evmSign(f, key, 'sha256');
  const tree = new LocalTree(d);
  const core = await makeCore(tree, { mode: 'strict' }, [key.cert]);
  t.after(() => core.close());
  const fh1 = await core.fs.open('/tool', O_RDONLY);
  const v1 = await readAll(core.fs, fh1);
  await core.fs.release(fh1);
  const fh1b = await core.fs.open('/tool', O_RDONLY);
  await core.fs.release(fh1b);
  assert.equal(tree.calls.reads, 1, 'same version: verdict and content reused');
  // New signed content, same size.
  writeContent(f, 10_000, 2);
  evmSign(f, key, 'sha256');
  const fh2 = await core.fs.open('/tool', O_RDONLY);
  const v2 = await readAll(core.fs, fh2);
  assert.equal(tree.calls.reads, 2);
  assert.ok(v2.equals(readFileSync(f)));
  assert.ok(!v2.equals(v1));
  await core.fs.release(fh2);
  // Changed again but not re-signed: denied, nothing of it served.
  writeContent(f, 10_000, 3);
  await assert.rejects(core.fs.open('/tool', O_RDONLY), errno(E.EACCES));
  assert.equal(core.events.at(-1)!.code, 'digest-mismatch');
});

test('a file rewritten during the fetch is fetched again; one that never settles is refused (EIO)', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'imafs-pipe-race-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const f = join(d, 'racy');
  writeContent(f, 1 << 20, 1);
  evmSign(f, key, 'sha256');
  const good = readFileSync(f);
  let rewrites = 1;
  const tree = new LocalTree(d, {
    chunkSize: 64 * 1024,
    onChunk: (_p, n) => {
      if (rewrites > 0 && n >= 256 * 1024) {
        rewrites--;
        // Same bytes rewritten: the change attribute moves even though content ends equal.
        copyFileSync(f, `${f}.tmp`);
        writeFileSync(f, readFileSync(`${f}.tmp`));
      }
    },
  });
  const core = await makeCore(tree, { mode: 'strict' }, [key.cert]);
  t.after(() => core.close());
  const fh = await core.fs.open('/racy', O_RDONLY);
  assert.ok((await readAll(core.fs, fh)).equals(good));
  assert.equal(tree.calls.reads, 2);
  await core.fs.release(fh);

  const d2 = mkdtempSync(join(tmpdir(), 'imafs-pipe-race2-'));
  t.after(() => rmSync(d2, { recursive: true, force: true }));
  const g = join(d2, 'churn');
  writeContent(g, 1 << 20, 5);
  evmSign(g, key, 'sha256');
  let flip = 0;
  const tree2 = new LocalTree(d2, { chunkSize: 64 * 1024, onChunk: (_p, n) => { if (n === 512 * 1024) writeContent(g, 1 << 20, 10 + flip++); } });
  const core2 = await makeCore(tree2, { mode: 'audit' }, [key.cert]);
  t.after(() => core2.close());
  await assert.rejects(core2.fs.open('/churn', O_RDONLY), errno(E.EIO));
  assert.equal(tree2.calls.reads, 3);
  assert.equal(core2.events.at(-1)!.code, 'changed-during-fetch');
  assert.equal(core2.cache.usedBytes, 0, 'no partial copy kept');
});

test('16 parallel opens of one version share one fetch and all read correct bytes', async (t) => {
  const tree = new LocalTree(dir);
  const core = await makeCore(tree, { mode: 'strict' }, [key.cert]);
  t.after(() => core.close());
  const want = readFileSync(join(dir, 'signed.bin'));
  const got = await Promise.all(Array.from({ length: 16 }, async () => {
    const fh = await core.fs.open('/signed.bin', O_RDONLY);
    try { return await readAll(core.fs, fh); } finally { await core.fs.release(fh); }
  }));
  for (const g of got) assert.ok(g.equals(want));
  assert.equal(tree.calls.reads, 1);
});

test('a handle opened on an older version is refused (ESTALE) once a newer version is opened', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'imafs-pipe-stale-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const f = join(d, 'lib');
  writeContent(f, 50_000, 1);
  evmSign(f, key, 'sha256');
  const tree = new LocalTree(d);
  const core = await makeCore(tree, { mode: 'strict' }, [key.cert]);
  t.after(() => core.close());
  const old = await core.fs.open('/lib', O_RDONLY);
  writeContent(f, 50_000, 2);
  evmSign(f, key, 'sha256');
  const neu = await core.fs.open('/lib', O_RDONLY);
  assert.ok((await readAll(core.fs, neu)).equals(readFileSync(f)));
  assert.throws(() => core.fs.readSync(old, Buffer.alloc(10), 10, 0), errno(E.ESTALE));
});

test('a file larger than the cache is EFBIG with a cache-full log line, and nothing is kept', async (t) => {
  const tree = new LocalTree(dir);
  const core = await makeCore(tree, { mode: 'strict' }, [key.cert], 100_000);
  t.after(() => core.close());
  await assert.rejects(core.fs.open('/signed.bin', O_RDONLY), errno(E.EFBIG));
  assert.deepEqual(core.events.map((e) => [e.level, e.code]), [['error', 'cache-full']]);
  assert.equal(core.cache.usedBytes, 0);
  // A small file still fits.
  const fh = await core.fs.open('/sha512.bin', O_RDONLY);
  assert.equal((await readAll(core.fs, fh)).length, 4097);
});
