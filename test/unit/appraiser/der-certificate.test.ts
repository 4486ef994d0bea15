/**
 * The DER walk (appraiser/core/der-certificate.ts, used when pkijs is not
 * loaded) must read exactly what pkijs reads, on real openssl-made
 * certificates and on mutated ones: same fields, or both refuse.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCa, makeKey, tmpDir, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { parseCertificate, type ParsedCertificate, type X509Libs } from '../../../appraiser/core/certificate.js';
import { readDerCertificate } from '../../../appraiser/core/der-certificate.js';
import { loadX509Libs } from '../../../appraiser/io/load-x509-libs.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function fields(c: ParsedCertificate): unknown {
  return {
    bits: c.publicKeyBits.toString('hex'), skid: c.skid?.toString('hex') ?? null, keyUsage: c.keyUsage, isCa: c.isCa,
    notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), keyType: c.keyType, modulusBytes: c.modulusBytes,
    subject: c.subject, issuer: c.issuer,
  };
}

function outcome(der: Buffer, libs?: X509Libs): { ok: unknown } | { err: true } {
  try { return { ok: fields(parseCertificate(der, libs)) }; } catch (e) {
    assert.ok(e instanceof Error, 'throws an Error');
    return { err: true };
  }
}

describe('DER walk agrees with pkijs', () => {
  let t: TmpDir;
  let libs: X509Libs;
  let certs: Array<{ name: string; der: Buffer }>;
  before(async () => {
    libs = await loadX509Libs();
    t = tmpDir();
    const ca = makeCa(t.dir, 'dw-ca');
    const ks: TestKey[] = [
      ca,
      makeKey(t.dir, 'rsa2048', { ca, name: 'dw-leaf' }),
      makeKey(t.dir, 'rsa4096', { name: 'dw-4096', expired: true }),
      makeKey(t.dir, 'p256', { name: 'dw-noskid', noSkid: true }),
      makeKey(t.dir, 'p384', { name: 'dw-bare', extensions: ['nsComment = "no IMA extensions"', 'subjectKeyIdentifier = none', 'authorityKeyIdentifier = none'] }),
      makeKey(t.dir, 'p521', { name: 'dw-p521', extensions: ['keyUsage = digitalSignature,keyCertSign', 'subjectKeyIdentifier = hash', 'basicConstraints = CA:TRUE,pathlen:3'] }),
      makeKey(t.dir, 'rsa2048', { name: 'dw-late', startDate: '20491231000000Z', endDate: '20600101120000Z' }),
      makeKey(t.dir, 'rsa2048', { name: 'dw-old', startDate: '19700101000000Z', endDate: '19991231235959Z' }),
      makeKey(t.dir, 'rsa2048', { name: 'dw-bcfalse', extensions: ['basicConstraints = CA:FALSE', 'keyUsage = nonRepudiation'] }),
    ];
    certs = ks.map((k) => ({ name: k.name, der: readFileSync(k.certDer) }));
    // A version 1 certificate: no version field, no extensions.
    const csr = join(t.dir, 'v1.csr');
    const v1 = join(t.dir, 'v1.der');
    execFileSync('openssl', ['req', '-new', '-key', ks[1].key, '-subj', '/CN=dw-v1', '-out', csr], { stdio: 'ignore' });
    execFileSync('openssl', ['x509', '-req', '-in', csr, '-signkey', ks[1].key, '-days', '2', '-outform', 'DER', '-out', v1], { stdio: 'ignore' });
    certs.push({ name: 'dw-v1', der: readFileSync(v1) });
  });
  after(() => t?.cleanup());

  it('every field matches on real certificates', () => {
    for (const c of certs) {
      const a = outcome(c.der);
      assert.ok('ok' in a, `${c.name} parses`);
      assert.deepEqual(a, outcome(c.der, libs), c.name);
    }
    const p521 = parseCertificate(certs[5].der);
    assert.deepEqual([p521.isCa, p521.keyUsage], [true, { digitalSignature: true, keyCertSign: true }]);
    assert.equal(parseCertificate(certs[7].der).notAfter.toISOString(), '1999-12-31T23:59:59.000Z');
    assert.deepEqual(parseCertificate(certs[8].der).keyUsage, { digitalSignature: false, keyCertSign: false });
    const v1 = parseCertificate(certs[9].der);
    assert.deepEqual([v1.skid, v1.keyUsage, v1.isCa], [null, null, false]);
  });

  it('refuses malformed framing and extensions with a reason', () => {
    const d = certs[1].der;
    assert.throws(() => parseCertificate(Buffer.concat([d, hex('00')])), /trailing bytes/);
    assert.throws(() => parseCertificate(d.subarray(0, d.length - 10)), /certificate: truncated/);
    assert.throws(() => parseCertificate(hex('30 03 02 01 01')), /not an X.509 certificate/);
    assert.throws(() => parseCertificate(hex('')), /certificate: truncated/);
    assert.throws(() => parseCertificate(hex('30 84 ff ff ff ff 00')), /certificate: truncated/);
    const patch = (from: string, to: string, src = d): Buffer => {
      const i = src.indexOf(hex(from));
      assert.ok(i >= 0, from);
      const out = Buffer.from(src);
      hex(to).copy(out, i);
      return out;
    };
    assert.throws(() => parseCertificate(patch('551d0f 0101ff 0404 03020780', '551d0f 0101ff 0404 04020780')), /keyUsage is not a BIT STRING/);
    assert.throws(() => parseCertificate(patch('551d13 0101ff 0402 3000', '551d13 0101ff 0402 3100')), /malformed basicConstraints/);
    assert.throws(() => parseCertificate(patch('551d0e 0416 0414', '551d0e 0416 0214')), /subjectKeyIdentifier is not an OCTET STRING/);
    // basicConstraints with a 2-byte BOOLEAN, and an inner length running past its value.
    assert.throws(() => readDerCertificate(patch('551d13 0101ff 0405 3003 0101ff', '551d13 0101ff 0405 3003 0102ff', certs[0].der)), /malformed basicConstraints/);
    assert.throws(() => readDerCertificate(patch('551d0e 0416 0414', '551d0e 0416 0415')), /subjectKeyIdentifier is not an OCTET STRING/);
  });

  it('mutated certificates: never a non-Error throw, and when both parse they agree', () => {
    let seed = 0x1234567;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
    let both = 0;
    for (let i = 0; i < 3000; i++) {
      const src = certs[rnd(certs.length)].der;
      const m = Buffer.from(src);
      const edits = 1 + rnd(3);
      for (let e = 0; e < edits; e++) m[rnd(m.length)] = rnd(256);
      const cut = rnd(8) === 0 ? m.subarray(0, rnd(m.length)) : m;
      const a = outcome(cut);
      const b = outcome(cut, libs);
      if ('ok' in a && 'ok' in b) { both++; assert.deepEqual(a, b, `mutation ${i}`); }
    }
    assert.ok(both > 100, `enough mutants parse both ways (${both})`);
  });
});
