/**
 * Certificate parsing with pkijs/asn1js (appraiser/core/certificate.ts) against
 * OpenSSL's view of the same certificates, and keyids (keyid.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makeCa, makeKey, pubkeyKeyid, tmpDir, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { keyidFromPublicKey, keyidFromSkid, parseCertificate, spkiPublicKeyBits } from '../../../appraiser/index.js';
import { keyidFromPublicKeyBits } from '../../../appraiser/core/keyid.js';
import type { X509Libs } from '../../../appraiser/core/certificate.js';
import { loadX509Libs } from '../../../appraiser/io/load-x509-libs.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Replace the first occurrence of `from` (hex) in `der` by `to` (same length). */
function patch(der: Buffer, from: string, to: string): Buffer {
  const i = der.indexOf(hex(from));
  assert.ok(i >= 0, `pattern ${from} present`);
  const out = Buffer.from(der);
  hex(to).copy(out, i);
  return out;
}

describe('keyids', () => {
  it('SPKI public key bits and SKID keyids', () => {
    // SEQUENCE { SEQUENCE { OID }, BIT STRING { 00 | 01 02 } }
    const spki = hex('30 0c 30 05 06 03 2b 65 70 03 03 00 01 02');
    assert.equal(spkiPublicKeyBits(spki).toString('hex'), '0102');
    assert.throws(() => spkiPublicKeyBits(hex('30 03 30 01 06')));
    assert.equal(keyidFromSkid(hex('0102030405060708')), 0x05060708);
    assert.equal(keyidFromSkid(hex('010203')), null);
    assert.equal(keyidFromPublicKeyBits(hex('0102')), createHash('sha1').update(hex('0102')).digest().readUInt32BE(16));
  });
});

describe('parseCertificate (pkijs) agrees with OpenSSL', () => {
  let t: TmpDir;
  let libs: X509Libs;
  let ca: TestKey;
  let leaf: TestKey;
  let noSkid: TestKey;
  let p521: TestKey;
  let bare: TestKey;
  let late: TestKey;
  before(async () => {
    libs = await loadX509Libs();
    t = tmpDir();
    ca = makeCa(t.dir, 'pc-ca');
    leaf = makeKey(t.dir, 'rsa2048', { ca, name: 'pc-leaf' });
    noSkid = makeKey(t.dir, 'p256', { name: 'pc-noskid', noSkid: true });
    p521 = makeKey(t.dir, 'p521', { name: 'pc-p521', extensions: ['keyUsage = digitalSignature,keyCertSign', 'subjectKeyIdentifier = hash'] });
    bare = makeKey(t.dir, 'p384', { name: 'pc-bare', extensions: ['nsComment = "no IMA extensions"', 'subjectKeyIdentifier = none', 'authorityKeyIdentifier = none'] });
    late = makeKey(t.dir, 'rsa2048', { name: 'pc-late', startDate: '20491231000000Z', endDate: '20600101120000Z' });
  });
  after(() => t?.cleanup());

  const der = (k: TestKey): Buffer => readFileSync(k.certDer);

  it('extensions: SKID, keyUsage, basicConstraints', () => {
    const c = parseCertificate(der(leaf), libs);
    assert.equal(c.skid!.subarray(-4).toString('hex'), leaf.skidKeyid);
    assert.deepEqual(c.keyUsage, { digitalSignature: true, keyCertSign: false });
    assert.equal(c.isCa, false);
    assert.equal(c.keyType, 'rsa');
    assert.equal(c.modulusBytes, 256);
    const a = parseCertificate(der(ca), libs);
    assert.equal(a.isCa, true);
    assert.deepEqual(a.keyUsage, { digitalSignature: false, keyCertSign: true });
    assert.equal(a.skid!.subarray(-4).toString('hex'), ca.skidKeyid);
    assert.deepEqual(parseCertificate(der(p521), libs).keyUsage, { digitalSignature: true, keyCertSign: true });
    const n = parseCertificate(der(noSkid), libs);
    assert.equal(n.skid, null);
    const b = parseCertificate(der(bare), libs);
    assert.deepEqual([b.skid, b.keyUsage, b.isCa], [null, null, false]);
  });

  it('validity dates (UTCTime and GeneralizedTime) match OpenSSL', () => {
    for (const k of [ca, leaf, noSkid, p521, bare, late]) {
      const c = parseCertificate(der(k), libs);
      const x = new X509Certificate(der(k));
      assert.equal(c.notBefore.getTime(), new Date(x.validFrom).getTime(), `${k.name} notBefore`);
      assert.equal(c.notAfter.getTime(), new Date(x.validTo).getTime(), `${k.name} notAfter`);
    }
    const l = parseCertificate(der(late), libs);
    assert.equal(l.notBefore.toISOString(), '2049-12-31T00:00:00.000Z');
    assert.equal(l.notAfter.toISOString(), '2060-01-01T12:00:00.000Z');
  });

  it('subjectPublicKey bits give the evmctl keyid; EC points for P-256 and P-521', () => {
    for (const k of [leaf, noSkid, p521, bare]) {
      const c = parseCertificate(der(k), libs);
      assert.equal(keyidFromPublicKeyBits(c.publicKeyBits).toString(16).padStart(8, '0'), pubkeyKeyid(k.pub), k.name);
      assert.equal(keyidFromPublicKey(c.publicKey), keyidFromPublicKeyBits(c.publicKeyBits), k.name);
    }
    const e = parseCertificate(der(p521), libs);
    assert.equal(e.ec!.curve, 'P-521');
    assert.equal(e.ec!.point.length, 133);
    assert.ok(e.publicKeyBits.equals(e.ec!.point));
    assert.equal(parseCertificate(der(noSkid), libs).ec!.point.length, 65);
  });

  it('rejects malformed certificates and extensions with a reason', () => {
    const d = der(leaf);
    assert.throws(() => parseCertificate(Buffer.concat([d, hex('00')]), libs), /trailing bytes/);
    assert.throws(() => parseCertificate(d.subarray(0, d.length - 10), libs), /certificate/);
    assert.throws(() => parseCertificate(hex('30 03 02 01 01'), libs), /not an X.509 certificate/);
    // keyUsage extnValue: BIT STRING (03 02 07 80) turned into an OCTET STRING.
    assert.throws(() => parseCertificate(patch(d, '551d0f 0101ff 0404 03020780', '551d0f 0101ff 0404 04020780'), libs), /keyUsage is not a BIT STRING/);
    // basicConstraints extnValue: SEQUENCE { } turned into a SET.
    assert.throws(() => parseCertificate(patch(d, '551d13 0101ff 0402 3000', '551d13 0101ff 0402 3100'), libs), /malformed basicConstraints/);
    // subjectKeyIdentifier extnValue: OCTET STRING (04 14 ...) turned into an INTEGER.
    assert.throws(() => parseCertificate(patch(d, '551d0e 0416 0414', '551d0e 0416 0214'), libs), /subjectKeyIdentifier is not an OCTET STRING/);
  });
});
