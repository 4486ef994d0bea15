/**
 * `imafs sign` on NFS URLs (SETATTR FATTR4_IMA): sign, then `imafs stat --json`
 * shows the value, the server's file carries it as security.ima, `imafs audit`
 * passes; `--remove`; `--recursive`; refusal under `--ima-updates none`;
 * a legacy server (ganesha). RSA PKCS#1 v1.5 is deterministic, so the value
 * stored remotely must equal, byte for byte, what evmctl writes locally.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { evmSign, makeKey, readIma, tmpDir, writeContent, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { imafs, type JsonReport } from './signed-tree.js';

let t: TmpDir;
let key: TestKey;

before(() => {
  t = tmpDir('imafs-remote-sign-');
  mkdirSync(join(t.dir, 'keys'));
  key = makeKey(join(t.dir, 'keys'), 'rsa2048', { name: 'publisher' });
});
after(() => t?.cleanup());

function stat(url: string): { ima: string | null; imaSupported: boolean } {
  const r = imafs(['stat', '--json', url]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { ima: string | null; imaSupported: boolean };
}

/** What evmctl writes for the same content and key (keyid from the certificate's SKID). */
function evmctlBlob(file: string, algo: 'sha256' | 'sha512' = 'sha256'): string {
  const copy = join(t.dir, `evm-${Math.random().toString(16).slice(2)}`);
  copyFileSync(file, copy);
  return evmSign(copy, key, algo, { keyidFromCert: key.cert }).toString('hex');
}

describe('remote signing against imafs serve --ima-updates root', () => {
  let dir: string;
  let srv: ServeHandle | undefined;

  before(async () => {
    dir = join(t.dir, 'share');
    mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
    writeContent(join(dir, 'one.bin'), 3000, 1);
    writeContent(join(dir, 'two.bin'), 1, 2);
    for (let i = 0; i < 5; i++) writeContent(join(dir, 'tree', i < 3 ? `f${i}` : `sub/f${i}`), 100 * i + 7, 10 + i);
    srv = await startImafsServe(dir, { args: ['--ima-updates', 'root'] });
  });
  after(async () => { await srv?.stop(); });

  test('sign one file: stat shows the evmctl-identical value, the server file has it, audit passes', () => {
    const url = srv!.url('one.bin');
    assert.equal(stat(url).ima, null);
    const r = imafs(['sign', '--key', key.key, '--cert', key.cert, url]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /one\.bin: stored FATTR4_IMA \(signature v2 sha256 keyid [0-9a-f]{8}, \d+ bytes\)/);
    const expected = evmctlBlob(join(dir, 'one.bin'));
    assert.equal(stat(url).ima, expected);
    assert.equal(readIma(join(dir, 'one.bin'))?.toString('hex'), expected);
    const a = imafs(['audit', '--keys', key.cert, '--format', 'json', url]);
    assert.equal(a.status, 0, a.stdout + a.stderr);
    assert.deepEqual((JSON.parse(a.stdout) as JsonReport).summary.byCode, { ok: 1 });
  });

  test('--digest-only and --hash sha512 store a digest value', () => {
    const url = srv!.url('two.bin');
    const r = imafs(['sign', '--digest-only', '--hash', 'sha512', url]);
    assert.equal(r.status, 0, r.stderr);
    const ima = stat(url).ima!;
    assert.equal(ima.slice(0, 4), '0406');
    assert.equal(ima.length, (2 + 64) * 2);
  });

  test('--remove sends the zero-length value: stat null, audit no-metadata exit 1', () => {
    const url = srv!.url('one.bin');
    const r = imafs(['sign', '--remove', url]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /one\.bin: removed FATTR4_IMA/);
    assert.equal(stat(url).ima, null);
    assert.equal(readIma(join(dir, 'one.bin')), null);
    const a = imafs(['audit', '--keys', key.cert, '--format', 'json', url]);
    assert.equal(a.status, 1);
    assert.deepEqual((JSON.parse(a.stdout) as JsonReport).summary.byCode, { 'no-metadata': 1 });
  });

  test('a directory needs --recursive; with it every file below is signed and the audit passes', () => {
    const url = srv!.url('tree');
    const no = imafs(['sign', '--key', key.key, '--cert', key.cert, url]);
    assert.equal(no.status, 1);
    assert.match(no.stderr, /is a directory \(use --recursive/);
    const r = imafs(['sign', '--recursive', '--key', key.key, '--cert', key.cert, url]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes('stored FATTR4_IMA')).length, 5);
    assert.equal(stat(srv!.url('tree/sub/f4')).ima, evmctlBlob(join(dir, 'tree', 'sub', 'f4')));
    const a = imafs(['audit', '--keys', key.cert, '--format', 'json', url]);
    assert.equal(a.status, 0, a.stdout);
    assert.deepEqual((JSON.parse(a.stdout) as JsonReport).summary.byCode, { ok: 5 });
  });

  test('a missing file fails with NFS4ERR_NOENT and exit 1', () => {
    const r = imafs(['sign', '--key', key.key, '--cert', key.cert, srv!.url('nope.bin')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nope\.bin: .*NFS4ERR_NOENT/);
  });
});

describe('remote signing refused', () => {
  let srv: ServeHandle | undefined;
  let g: Ganesha | undefined;
  let dir: string;

  before(async () => {
    dir = join(t.dir, 'locked');
    mkdirSync(dir);
    writeContent(join(dir, 'f.bin'), 500, 3);
    srv = await startImafsServe(dir, { args: ['--ima-updates', 'none'] });
    g = await startGanesha();
    writeContent(join(g.exportDir, 'g.bin'), 500, 4);
  });
  after(async () => {
    await srv?.stop();
    await g?.stop();
  });

  test('--ima-updates none: NFS4ERR_ACCESS explained, exit 1, value unchanged', () => {
    const r = imafs(['sign', '--key', key.key, '--cert', key.cert, srv!.url('f.bin')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /f\.bin: the server refused to store IMA metadata on this file \(NFS4ERR_ACCESS\)/);
    assert.equal(readIma(join(dir, 'f.bin')), null);
    const rm = imafs(['sign', '--remove', srv!.url('f.bin')]);
    assert.equal(rm.status, 1);
    assert.match(rm.stderr, /refused to remove the IMA metadata .*NFS4ERR_ACCESS/);
  });

  test('legacy server (ganesha): "does not support FATTR4_IMA", exit 1', () => {
    const r = imafs(['sign', '--key', key.key, '--cert', key.cert, g!.url('g.bin')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /g\.bin: the server does not support FATTR4_IMA \(a legacy NFS server\)/);
  });
});
