/**
 * loadKeyring from files and directories, PEM and DER, and clear
 * IMAFS_KEY_LOAD errors naming the file for bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCa, makeKey, pubkeyKeyid, tmpDir, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { ImafsAppraiserError, keyidHex, loadKeyring, loadPolicy } from '../../../appraiser/index.js';

function isLoadError(file: string, re: RegExp) {
  return (e: unknown): boolean => e instanceof ImafsAppraiserError && e.code === 'IMAFS_KEY_LOAD' && e.message.includes(file) && re.test(e.message);
}

describe('loadKeyring', () => {
  let t: TmpDir;
  let a: TestKey;
  let b: TestKey;
  let ca: TestKey;
  before(() => {
    t = tmpDir();
    ca = makeCa(t.dir, 'kr-ca');
    a = makeKey(t.dir, 'rsa2048', { ca, name: 'kr-a' });
    b = makeKey(t.dir, 'p384', { ca, name: 'kr-b', noSkid: true });
  });
  after(() => t?.cleanup());

  it('PEM and DER files; keyid from SKID, else SHA-1 of the public key', async () => {
    const ring = await loadKeyring({ keys: [a.cert, b.certDer] });
    assert.equal(ring.size, 2);
    assert.equal(ring.keys[0].keyidHex, a.skidKeyid);
    assert.equal(b.skidKeyid, null);
    assert.equal(ring.keys[1].keyidHex, pubkeyKeyid(b.pub));
    assert.equal(ring.lookup(parseInt(a.skidKeyid!, 16)).length, 1);
  });

  it('a directory of certificates (hidden files skipped), and a PEM bundle', async () => {
    const dir = join(t.dir, 'keys.d');
    mkdirSync(dir);
    copyFileSync(a.cert, join(dir, 'a.pem'));
    copyFileSync(b.certDer, join(dir, 'b.der'));
    writeFileSync(join(dir, '.hidden'), 'garbage');
    assert.equal((await loadKeyring({ keys: [dir] })).size, 2);
    const bundle = join(t.dir, 'bundle.pem');
    writeFileSync(bundle, Buffer.concat([readFileSync(a.cert), readFileSync(b.cert)]));
    const ring = await loadKeyring({ keys: [bundle], ca: [ca.certDer] });
    assert.deepEqual(ring.keys.map((k) => k.chain?.ok), [true, true]);
  });

  it('bare public keys are accepted without a CA', async () => {
    const ring = await loadKeyring({ keys: [a.pub] });
    assert.equal(ring.keys[0].keyidHex, pubkeyKeyid(a.pub));
    assert.equal(keyidHex(ring.keys[0].keyid), pubkeyKeyid(a.pub));
  });

  it('errors name the file', async () => {
    const missing = join(t.dir, 'missing.pem');
    await assert.rejects(loadKeyring({ keys: [missing] }), isLoadError(missing, /ENOENT/));
    const garbage = join(t.dir, 'garbage.der');
    writeFileSync(garbage, 'this is not a certificate');
    await assert.rejects(loadKeyring({ keys: [garbage] }), isLoadError(garbage, /neither a PEM file nor a DER certificate/));
    const emptyPem = join(t.dir, 'empty.pem');
    writeFileSync(emptyPem, '-----BEGIN NOTHING-----\nAAAA\n-----END NOTHING-----\n');
    await assert.rejects(loadKeyring({ keys: [emptyPem] }), isLoadError(emptyPem, /no CERTIFICATE or PUBLIC KEY/));
    await assert.rejects(loadKeyring({ keys: [a.key] }), isLoadError(a.key, /private key/));
    const corrupt = join(t.dir, 'corrupt.pem');
    writeFileSync(corrupt, readFileSync(a.cert, 'utf8').replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!'));
    await assert.rejects(loadKeyring({ keys: [corrupt] }), isLoadError(corrupt, /bad certificate/));
    const emptyDir = join(t.dir, 'empty.d');
    mkdirSync(emptyDir);
    await assert.rejects(loadKeyring({ keys: [emptyDir] }), isLoadError(emptyDir, /no key files/));
    const zero = join(t.dir, 'zero');
    writeFileSync(zero, '');
    await assert.rejects(loadKeyring({ keys: [zero] }), isLoadError(zero, /empty/));
  });

  it('a --ca that is not a CA certificate, or a public key as CA, is refused', async () => {
    await assert.rejects(loadKeyring({ keys: [a.cert], ca: [b.cert] }), isLoadError(b.cert, /not a CA/));
    await assert.rejects(loadKeyring({ keys: [a.cert], ca: [a.pub] }), isLoadError(a.pub, /public key, not a certificate/));
  });

  it('loadPolicy: file errors are IMAFS_POLICY_FILE naming the file', async () => {
    const missing = join(t.dir, 'nope.policy');
    await assert.rejects(loadPolicy(missing), (e: unknown) => e instanceof ImafsAppraiserError && e.code === 'IMAFS_POLICY_FILE' && e.message.includes(missing));
    const good = join(t.dir, 'good.policy');
    writeFileSync(good, 'mode=audit\nappraise func=BPRM_CHECK\n');
    const p = await loadPolicy(good, { requireSignature: true });
    assert.equal(p.mode, 'audit');
    assert.equal(p.config.requireSignature, true);
    assert.equal(p.needsAppraisal({ path: '/x', access: 'read' }).appraise, false);
  });
});
