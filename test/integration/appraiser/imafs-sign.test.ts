/**
 * The other direction: what imafs signs, real evmctl accepts, byte for byte
 * where the format is deterministic (RSA PKCS#1 v1.5 signatures, digests).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_KINDS, evmHash, evmSign, evmVerify, makeKey, pubkeyKeyid, readIma, tmpDir, writeContent, type EvmHashAlgo, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { Policy, appraiseFile, loadKeyring, loadSigningKey, signFile, parseImaBlob, keyidHex } from '../../../appraiser/index.js';

describe('imafs sign -> evmctl ima_verify', () => {
  let t: TmpDir;
  let keys: TestKey[];
  before(() => {
    t = tmpDir();
    keys = KEY_KINDS.map((kind) => makeKey(t.dir, kind, { name: `sign-${kind}` }));
  });
  after(() => t?.cleanup());

  for (const kind of KEY_KINDS) {
    it(`${kind}: evmctl accepts imafs signatures for sha1/sha256/sha384/sha512 and sizes 0..4097`, async () => {
      const key = keys.find((k) => k.kind === kind)!;
      const sk = await loadSigningKey(key.key, { certFile: key.cert });
      assert.equal(keyidHex(sk.keyid), key.skidKeyid);
      const files: string[] = [];
      for (const algo of ['sha1', 'sha256', 'sha384', 'sha512'] as EvmHashAlgo[]) {
        for (const size of [0, 1, 4095, 4096, 4097]) {
          const f = join(t.dir, `s-${kind}-${algo}-${size}`);
          writeContent(f, size, size);
          const blob = await signFile(f, sk, { algo });
          assert.ok(readIma(f)!.equals(blob));
          files.push(f);
        }
      }
      const r = evmVerify(files, [key]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal((r.stdout + r.stderr).match(/verification is OK/g)?.length, files.length);
    });
  }

  it('ECDSA P-521 both ways (evmctl signs, imafs verifies; imafs signs, evmctl verifies)', async () => {
    const key = makeKey(t.dir, 'p521', { name: 'sign-p521' });
    const keyring = await loadKeyring({ keys: [key.cert] });
    const a = join(t.dir, 'p521-evmctl');
    writeContent(a, 7000, 1);
    const blob = evmSign(a, key, 'sha512');
    assert.ok(blob.readUInt16BE(7) > 127, 'P-521 DER signatures use a long-form length');
    assert.equal((await appraiseFile(a, { keyring, policy: new Policy() })).verdict.code, 'ok');
    const b = join(t.dir, 'p521-imafs');
    writeContent(b, 7000, 2);
    await signFile(b, await loadSigningKey(key.key, { certFile: key.cert }), { algo: 'sha384' });
    const r = evmVerify([b], [key]);
    assert.equal(r.status, 0, r.stderr);
  });

  it('RSA: imafs signatures are byte-identical to evmctl ima_sign', async () => {
    const key = keys.find((k) => k.kind === 'rsa2048')!;
    const sk = await loadSigningKey(key.key);
    for (const algo of ['sha1', 'sha256', 'sha512'] as EvmHashAlgo[]) {
      const f = join(t.dir, `ident-${algo}`);
      writeContent(f, 9999, 5);
      const ours = await signFile(f, sk, { algo });
      const theirs = evmSign(f, key, algo);
      assert.equal(ours.toString('hex'), theirs.toString('hex'), algo);
    }
  });

  it('keyid without a certificate is evmctl\'s SHA-1-of-public-key keyid; --keyid overrides', async () => {
    for (const key of keys) {
      const sk = await loadSigningKey(key.key);
      assert.equal(keyidHex(sk.keyid), pubkeyKeyid(key.pub));
      const f = join(t.dir, `kid-${key.kind}`);
      writeContent(f, 100);
      const ours = parseImaBlob(await signFile(f, sk));
      const theirs = parseImaBlob(evmSign(f, key, 'sha256'));
      assert.ok(!('error' in ours) && ours.kind === 'signature' && !('error' in theirs) && theirs.kind === 'signature');
      assert.equal(ours.keyid, theirs.keyid);
    }
    const forced = await loadSigningKey(keys[0].key, { keyid: 0xa1b2c3d4 });
    assert.equal(forced.keyid, 0xa1b2c3d4);
  });

  it('a key file holding the certificate too gives the SKID keyid (like evmctl)', async () => {
    const key = keys.find((k) => k.kind === 'p256')!;
    const combined = join(t.dir, 'combined.pem');
    writeFileSync(combined, Buffer.concat([readFileSync(key.key), readFileSync(key.cert)]));
    assert.equal(keyidHex((await loadSigningKey(combined)).keyid), key.skidKeyid);
  });

  it('digest-only values are byte-identical to evmctl ima_hash (sha256/sha512)', async () => {
    for (const algo of ['sha256', 'sha512'] as EvmHashAlgo[]) {
      const f = join(t.dir, `dig-${algo}`);
      writeContent(f, 4097, 9);
      const ours = await signFile(f, null, { algo, digestOnly: true });
      assert.equal(ours.toString('hex'), evmHash(f, algo).toString('hex'));
    }
  });

  it('v3 signatures verify here (ima_file_id) and are refused by evmctl 1.4 (which knows only v2)', async () => {
    const key = keys.find((k) => k.kind === 'rsa2048')!;
    const sk = await loadSigningKey(key.key, { certFile: key.cert });
    const f = join(t.dir, 'v3');
    writeContent(f, 3000);
    const blob = await signFile(f, sk, { version: 3 });
    assert.equal(blob[1], 3);
    const r = await appraiseFile(f, { keyring: await loadKeyring({ keys: [key.cert] }), policy: new Policy() });
    assert.equal(r.verdict.code, 'ok', r.verdict.reason);
    assert.notEqual(evmVerify([f], [key]).status, 0);
  });

  it('a certificate that does not match the key is refused with IMAFS_KEY_LOAD', async () => {
    await assert.rejects(loadSigningKey(keys[0].key, { certFile: keys[1].cert }), (e: Error & { code?: string }) => e.code === 'IMAFS_KEY_LOAD' && /does not match/.test(e.message));
  });
});
