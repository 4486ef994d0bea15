/**
 * `imafs verify` and `imafs sign` as a user runs them: spawn the built CLI,
 * assert exit codes and output.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';
import { evmHash, evmSign, evmVerify, makeCa, makeKey, removeIma, tmpDir, writeContent, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';

// dist/test/integration/appraiser/ -> dist/bin/imafs.js, whatever the cwd.
const CLI = IMAFS_BIN;

function imafs(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('imafs verify / imafs sign CLI', () => {
  let t: TmpDir;
  let ca: TestKey;
  let key: TestKey;
  let good: string;
  let tampered: string;
  let unsigned: string;
  before(() => {
    t = tmpDir();
    ca = makeCa(t.dir, 'cli-ca');
    key = makeKey(t.dir, 'p256', { ca, name: 'cli-key' });
    good = join(t.dir, 'good.bin');
    tampered = join(t.dir, 'tampered.bin');
    unsigned = join(t.dir, 'unsigned.bin');
    for (const f of [good, tampered, unsigned]) writeContent(f, 10_000);
    evmSign(good, key, 'sha256');
    evmSign(tampered, key, 'sha256');
    appendFileSync(tampered, '!');
  });
  after(() => t?.cleanup());

  it('exit 0 and one line per file when all are allowed', () => {
    const r = imafs('verify', '--keys', key.cert, '--ca', ca.cert, good);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${good.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: allowed ok \\(signature verified with key ${key.skidKeyid}`));
    assert.equal(r.stdout.trim().split('\n').length, 1);
  });

  it('exit 1 when any file is denied; --json gives path/verdict/allowed/reason', () => {
    const r = imafs('verify', '--keys', key.certDer, '--json', good, tampered, unsigned);
    assert.equal(r.status, 1, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ path: string; verdict: string; allowed: boolean; reason: string }>;
    assert.deepEqual(rows.map((x) => [x.path, x.verdict, x.allowed]), [[good, 'ok', true], [tampered, 'bad-signature', false], [unsigned, 'no-metadata', false]]);
    for (const x of rows) assert.equal(typeof x.reason, 'string');
  });

  it('--policy audit allows but reports; --policy disabled ignores metadata', () => {
    const a = imafs('verify', '--keys', key.cert, '--policy', 'audit', tampered);
    assert.equal(a.status, 0);
    assert.match(a.stdout, /allowed\(audit\) bad-signature/);
    const d = imafs('verify', '--policy', 'disabled', '--json', tampered);
    assert.equal(d.status, 0);
    assert.equal(JSON.parse(d.stdout)[0].appraised, false);
  });

  it('--require-signature denies digest-only files; --policy-file rules apply', () => {
    const dig = join(t.dir, 'digest.bin');
    writeContent(dig, 500);
    evmHash(dig, 'sha256');
    assert.equal(imafs('verify', dig).status, 0);
    const r = imafs('verify', '--require-signature', dig);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /denied signature-required/);
    const pol = join(t.dir, 'exec-only.policy');
    writeFileSync(pol, 'appraise access=exec appraise_type=imasig\n');
    assert.equal(imafs('verify', '--policy-file', pol, dig).status, 0, 'read access is not appraised');
    assert.equal(imafs('verify', '--policy-file', pol, '--access', 'exec', dig).status, 1);
  });

  it('--allow-algo sha1 admits sha1 signatures', () => {
    const f = join(t.dir, 'sha1.bin');
    writeContent(f, 100);
    evmSign(f, key, 'sha1');
    assert.equal(imafs('verify', '--keys', key.cert, f).status, 1);
    assert.equal(imafs('verify', '--keys', key.cert, '--allow-algo', 'sha1', f).status, 0);
  });

  it('exit 2 with a message naming the file on bad keys, CA, policy file or flags', () => {
    const missing = join(t.dir, 'missing.crt');
    let r = imafs('verify', '--keys', missing, good);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*ENOENT.*IMAFS_KEY_LOAD`));
    r = imafs('verify', '--keys', key.key, good);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /private key/);
    const badPol = join(t.dir, 'bad.policy');
    writeFileSync(badPol, 'mode=strict\nappraise colour=blue\n');
    r = imafs('verify', '--policy-file', badPol, good);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /bad\.policy:2: unknown condition 'colour'.*IMAFS_POLICY_FILE/);
    r = imafs('verify', '--policy', 'lenient', good);
    assert.equal(r.status, 2, r.stderr);
    r = imafs('verify', '--allow-algo', 'crc32', good);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /unknown hash algorithm 'crc32'/);
    r = imafs('verify');
    assert.equal(r.status, 2, r.stderr);
  });

  it('a missing file is denied (exit 1), not a crash', () => {
    const r = imafs('verify', '--json', join(t.dir, 'nope'));
    assert.equal(r.status, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0].verdict, 'error');
  });

  it('imafs sign writes what evmctl ima_verify accepts, and imafs verify agrees', () => {
    const files = ['s1', 's2'].map((n) => { const f = join(t.dir, n); writeContent(f, 5000, n.length); removeIma(f); return f; });
    const r = imafs('sign', '--key', key.key, '--cert', key.cert, '--hash', 'sha384', ...files);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`signature v2 sha384 keyid ${key.skidKeyid}`));
    const ev = evmVerify(files, [key]);
    assert.equal(ev.status, 0, ev.stderr);
    assert.equal(imafs('verify', '--keys', key.cert, '--ca', ca.cert, ...files).status, 0);
  });

  it('imafs sign --digest-only, and usage errors', () => {
    const f = join(t.dir, 'd1');
    writeContent(f, 10);
    const r = imafs('sign', '--digest-only', '--hash', 'sha512', '--print', f);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /digest sha512, 66 bytes\) 0406/);
    assert.equal(imafs('sign', f).status, 2, 'no --key');
    assert.equal(imafs('sign', '--key', join(t.dir, 'nokey.pem'), f).status, 2);
    assert.equal(imafs('sign', '--digest-only', '--hash', 'sha0', f).status, 2);
    const notFile = imafs('sign', '--digest-only', join(t.dir, 'does-not-exist'));
    assert.equal(notFile.status, 1);
    assert.equal(readFileSync(f).length, 10, 'content untouched');
  });
});
