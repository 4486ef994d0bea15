/**
 * The prehashed signature paths against node:crypto's own (hash-then-sign)
 * implementation: signatures node makes over data must verify over the data's
 * digest here, and ours must verify in node.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { signDigestRaw, verifyDigestSignature, hashAlgoByName, parseCertificate } from '../../../appraiser/index.js';
import { describePublicKey } from '../../../appraiser/core/certificate.js';
import { decodeEcdsaDer, encodeEcdsaDer } from '../../../appraiser/core/ecdsa.js';

function verifyKey(pub: KeyObject) {
  const d = describePublicKey(pub);
  return { type: d.keyType, modulusBytes: d.modulusBytes, ec: d.ec, publicKey: pub };
}

const kinds = [
  ['rsa-2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ['p-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ['p-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
  ['p-521', () => generateKeyPairSync('ec', { namedCurve: 'P-521' })],
] as const;

describe('prehashed signatures agree with node:crypto', () => {
  for (const [name, gen] of kinds) {
    const { privateKey, publicKey } = gen();
    const vk = verifyKey(publicKey);
    for (const algoName of ['sha1', 'sha256', 'sha384', 'sha512']) {
      it(`${name} ${algoName}`, () => {
        const algo = hashAlgoByName(algoName)!;
        for (let i = 0; i < 5; i++) {
          const data = Buffer.from(`message ${i} ${name}`);
          const digest = createHash(algoName).update(data).digest();
          const nodeSig = sign(algoName, data, privateKey);
          assert.equal(verifyDigestSignature(vk, algo, digest, nodeSig), true, 'node signature verifies here');
          const ours = signDigestRaw(privateKey, algo, digest);
          assert.equal(verify(algoName, data, publicKey, ours), true, 'our signature verifies in node');
          const bad = Buffer.from(digest); bad[0] ^= 1;
          assert.equal(verifyDigestSignature(vk, algo, bad, ours), false, 'other digest fails');
          const flipped = Buffer.from(ours); flipped[flipped.length - 3] ^= 0x10;
          assert.equal(verifyDigestSignature(vk, algo, digest, flipped), false, 'flipped signature fails');
          if (name.startsWith('rsa')) assert.ok(ours.equals(nodeSig), 'PKCS#1 v1.5 is deterministic and byte-identical');
        }
      });
    }
  }

  it('rejects ECDSA signatures with r or s out of range and non-DER encodings', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const vk = verifyKey(publicKey);
    const algo = hashAlgoByName('sha256')!;
    const digest = createHash('sha256').update('x').digest();
    const sig = signDigestRaw(privateKey, algo, digest);
    const { r, s } = decodeEcdsaDer(sig)!;
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    assert.equal(verifyDigestSignature(vk, algo, digest, encodeEcdsaDer(r, s)), true);
    assert.equal(verifyDigestSignature(vk, algo, digest, encodeEcdsaDer(r + n, s)), false);
    assert.equal(verifyDigestSignature(vk, algo, digest, encodeEcdsaDer(0n, s)), false);
    assert.equal(verifyDigestSignature(vk, algo, digest, Buffer.concat([sig, Buffer.from([0])])), false);
    const longForm = Buffer.concat([Buffer.from([0x30, 0x81, sig[1]]), sig.subarray(2)]);
    assert.equal(verifyDigestSignature(vk, algo, digest, longForm), false, 'non-minimal length');
    assert.equal(decodeEcdsaDer(Buffer.from('3006020100020100', 'hex'))?.r, 0n);
    assert.equal(decodeEcdsaDer(Buffer.from('30060201ff020101', 'hex')), null, 'negative integer');
    assert.equal(decodeEcdsaDer(Buffer.from('3007020200010201 01', 'hex')), null, 'non-minimal integer');
  });

  it('RSA signature of the wrong length fails', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const algo = hashAlgoByName('sha256')!;
    const digest = createHash('sha256').update('x').digest();
    const sig = signDigestRaw(privateKey, algo, digest);
    assert.equal(verifyDigestSignature(verifyKey(publicKey), algo, digest, sig.subarray(1)), false);
    assert.equal(verifyDigestSignature(verifyKey(createPublicKey(privateKey)), algo, digest, sig), true);
  });

  it('parseCertificate rejects garbage', () => {
    assert.throws(() => parseCertificate(Buffer.from('not a certificate')));
  });
});
