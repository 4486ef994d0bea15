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
import { loadX509Libs } from '../../../appraiser/io/load-x509-libs.js';
import { DER } from '@noble/curves/abstract/weierstrass.js';

const encodeEcdsaDer = (r: bigint, s: bigint): Buffer => Buffer.from(DER.hexFromSig({ r, s }), 'hex');

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
    const { r, s } = DER.toSig(sig);
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    assert.equal(verifyDigestSignature(vk, algo, digest, encodeEcdsaDer(r, s)), true);
    assert.equal(verifyDigestSignature(vk, algo, digest, encodeEcdsaDer(r + n, s)), false);
    assert.equal(verifyDigestSignature(vk, algo, digest, encodeEcdsaDer(0n, s)), false);
    assert.equal(verifyDigestSignature(vk, algo, digest, Buffer.concat([sig, Buffer.from([0])])), false);
    const longForm = Buffer.concat([Buffer.from([0x30, 0x81, sig[1]]), sig.subarray(2)]);
    assert.equal(verifyDigestSignature(vk, algo, digest, longForm), false, 'non-minimal length');
    // Hand-made DER signatures with r = 1 (valid range) but a negative or non-minimal integer.
    assert.equal(verifyDigestSignature(vk, algo, digest, Buffer.from('30060201ff020101', 'hex')), false, 'negative integer');
    assert.equal(verifyDigestSignature(vk, algo, digest, Buffer.from('300702020001020101', 'hex')), false, 'non-minimal integer');
    assert.throws(() => DER.toSig(Buffer.from('30060201ff020101', 'hex')), /negative/);
    assert.throws(() => DER.toSig(Buffer.from('300702020001020101', 'hex')), /leading zero/);
  });

  it('accepts high-S ECDSA signatures (OpenSSL and evmctl make them) and their low-S twin', () => {
    for (const [curve, n] of [
      ['P-256', 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n],
      ['P-384', 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n],
    ] as const) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const vk = verifyKey(publicKey);
      const algo = hashAlgoByName('sha256')!;
      const digest = createHash('sha256').update(curve).digest();
      const { r, s } = DER.toSig(signDigestRaw(privateKey, algo, digest));
      const [low, high] = s > n / 2n ? [n - s, s] : [s, n - s];
      for (const sv of [low, high]) {
        const sig = encodeEcdsaDer(r, sv);
        assert.equal(verifyDigestSignature(vk, algo, digest, sig), true, `${curve} s ${sv === high ? 'high' : 'low'}`);
        assert.equal(verify('sha256', Buffer.from(curve), publicKey, sig), true, 'node agrees');
      }
    }
  });

  it('RSA signature of the wrong length fails', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const algo = hashAlgoByName('sha256')!;
    const digest = createHash('sha256').update('x').digest();
    const sig = signDigestRaw(privateKey, algo, digest);
    assert.equal(verifyDigestSignature(verifyKey(publicKey), algo, digest, sig.subarray(1)), false);
    assert.equal(verifyDigestSignature(verifyKey(createPublicKey(privateKey)), algo, digest, sig), true);
  });

  it('parseCertificate rejects garbage', async () => {
    const libs = await loadX509Libs();
    assert.throws(() => parseCertificate(Buffer.from('not a certificate'), libs));
  });
});
