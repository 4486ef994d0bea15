/**
 * The few certificate fields IMA needs, read with a minimal bounds-checked DER
 * walk instead of pkijs/asn1js, whose import costs 70-100 ms of CPU at every
 * `imafs verify`. OpenSSL (node:crypto X509Certificate) parses and checks
 * the whole certificate too (certificate.ts), so this walk only has to *find*
 * fields; it checks every length against its enclosing value on its own and
 * refuses (never guesses) anything shaped otherwise. It runs before OpenSSL
 * so framing errors (truncated, trailing bytes) are named as such. pkijs
 * stays the parser where CA chains are checked (appraiser/io/load-keyring.ts).
 *
 * RFC 5280 §4.1:
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, serialNumber INTEGER,
 *       signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *       subjectPublicKeyInfo SEQUENCE { algorithm, subjectPublicKey BIT STRING },
 *       issuerUniqueID [1] IMPLICIT OPTIONAL, subjectUniqueID [2] IMPLICIT OPTIONAL,
 *       extensions [3] EXPLICIT SEQUENCE OF Extension OPTIONAL }
 *   Validity ::= SEQUENCE { notBefore Time, notAfter Time }   Time ::= UTCTime | GeneralizedTime
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 *   §4.2.1.2 SubjectKeyIdentifier ::= OCTET STRING
 *   §4.2.1.3 KeyUsage ::= BIT STRING { digitalSignature (0), ..., keyCertSign (5), ... }
 *   §4.2.1.9 BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
 */

export interface DerCertificateFields {
  publicKeyBits: Buffer;
  skid: Buffer | null;
  keyUsage: { digitalSignature: boolean; keyCertSign: boolean } | null;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
}

interface Tlv { tag: number; start: number; end: number }

/** One DER TLV at `off`, its value inside [off, limit); definite lengths up to 4 bytes only. */
function tlv(b: Uint8Array, off: number, limit: number, what: string): Tlv {
  if (off + 2 > limit) throw new RangeError(`${what}: truncated`);
  const tag = b[off];
  let len = b[off + 1];
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw new RangeError(`${what}: bad length`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i];
    start += n;
  }
  if (start + len > limit) throw new RangeError(`${what}: truncated`);
  return { tag, start, end: start + len };
}

function expect(b: Uint8Array, off: number, limit: number, tag: number, what: string): Tlv {
  const t = tlv(b, off, limit, what);
  if (t.tag !== tag) throw new RangeError(`${what}: unexpected tag 0x${t.tag.toString(16)}`);
  return t;
}

/** The value of `bytes` when it is exactly one TLV with `tag`, else null. */
function only(b: Uint8Array, tag: number): Tlv | null {
  try {
    const t = tlv(b, 0, b.length, '');
    return t.tag === tag && t.end === b.length ? t : null;
  } catch {
    return null;
  }
}

/** UTCTime YYMMDDHHMMSSZ (YY < 50 is 20YY, RFC 5280 §4.1.2.5.1) or GeneralizedTime YYYYMMDDHHMMSSZ. */
function readTime(b: Uint8Array, t: Tlv, what: string): Date {
  const s = Buffer.from(b.buffer, b.byteOffset + t.start, t.end - t.start).toString('latin1');
  const m = t.tag === 0x17 ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s) : t.tag === 0x18 ? /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s) : null;
  if (!m) throw new RangeError(`${what}: not a DER UTCTime/GeneralizedTime`);
  const year = t.tag === 0x17 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

const OID_SKID = '551d0e';
const OID_KEY_USAGE = '551d0f';
const OID_BASIC_CONSTRAINTS = '551d13';

function readExtension(b: Uint8Array, e: Tlv, out: DerCertificateFields): void {
  const oid = expect(b, e.start, e.end, 0x06, 'extension');
  let off = oid.end;
  if (off < e.end && b[off] === 0x01) off = expect(b, off, e.end, 0x01, 'extension critical').end;
  const val = expect(b, off, e.end, 0x04, 'extension value');
  const id = Buffer.from(b.buffer, b.byteOffset + oid.start, oid.end - oid.start).toString('hex');
  const v = b.subarray(val.start, val.end);
  if (id === OID_SKID) {
    const t = only(v, 0x04);
    if (!t) throw new RangeError('subjectKeyIdentifier is not an OCTET STRING');
    out.skid = Buffer.from(v.subarray(t.start, t.end));
  } else if (id === OID_KEY_USAGE) {
    const t = only(v, 0x03);
    if (!t || t.end === t.start) throw new RangeError('keyUsage is not a BIT STRING');
    const b0 = t.end - t.start > 1 ? v[t.start + 1] : 0; // first byte after the unused-bits count
    out.keyUsage = { digitalSignature: (b0 & 0x80) !== 0, keyCertSign: (b0 & 0x04) !== 0 };
  } else if (id === OID_BASIC_CONSTRAINTS) {
    const t = only(v, 0x30);
    if (!t) throw new RangeError('malformed basicConstraints');
    let isCa = false;
    let p = t.start;
    try {
      if (p < t.end && v[p] === 0x01) {
        const bt = expect(v, p, t.end, 0x01, 'cA');
        if (bt.end - bt.start !== 1) throw new RangeError('bad BOOLEAN');
        isCa = v[bt.start] !== 0;
        p = bt.end;
      }
      if (p < t.end) p = expect(v, p, t.end, 0x02, 'pathLenConstraint').end;
      if (p !== t.end) throw new RangeError('trailing bytes');
    } catch (err) {
      throw new RangeError(`malformed basicConstraints: ${(err as Error).message}`);
    }
    out.isCa = isCa;
  }
}

/** Read the IMA-relevant fields of a DER certificate; throws RangeError with a reason. */
export function readDerCertificate(der: Uint8Array): DerCertificateFields {
  const cert = tlv(der, 0, der.length, 'certificate');
  if (cert.tag !== 0x30) throw new RangeError('not an X.509 certificate: not a SEQUENCE');
  if (cert.end !== der.length) throw new RangeError('certificate: trailing bytes');
  let tbs: Tlv;
  try { tbs = expect(der, cert.start, cert.end, 0x30, 'tbsCertificate'); } catch (e) {
    throw new RangeError(`not an X.509 certificate: ${(e as Error).message}`);
  }
  let off = tbs.start;
  const next = (tag: number, what: string): Tlv => {
    const t = expect(der, off, tbs.end, tag, what);
    off = t.end;
    return t;
  };
  if (der[off] === 0xa0) next(0xa0, 'version');
  next(0x02, 'serialNumber');
  next(0x30, 'signature');
  next(0x30, 'issuer');
  const validity = next(0x30, 'validity');
  const nb = tlv(der, validity.start, validity.end, 'notBefore');
  const na = tlv(der, nb.end, validity.end, 'notAfter');
  next(0x30, 'subject');
  const spki = next(0x30, 'subjectPublicKeyInfo');
  const alg = expect(der, spki.start, spki.end, 0x30, 'subjectPublicKeyInfo algorithm');
  const bits = expect(der, alg.end, spki.end, 0x03, 'subjectPublicKey');
  if (bits.end === bits.start || der[bits.start] !== 0) throw new RangeError('subjectPublicKey: unused bits');
  const out: DerCertificateFields = {
    publicKeyBits: Buffer.from(der.subarray(bits.start + 1, bits.end)),
    skid: null, keyUsage: null, isCa: false,
    notBefore: readTime(der, nb, 'notBefore'),
    notAfter: readTime(der, na, 'notAfter'),
  };
  if (off < tbs.end && der[off] === 0x81) next(0x81, 'issuerUniqueID');
  if (off < tbs.end && der[off] === 0x82) next(0x82, 'subjectUniqueID');
  if (off < tbs.end) {
    const wrap = next(0xa3, 'extensions');
    const list = expect(der, wrap.start, wrap.end, 0x30, 'extensions');
    for (let p = list.start; p < list.end;) {
      const e = expect(der, p, list.end, 0x30, 'extension');
      readExtension(der, e, out);
      p = e.end;
    }
  }
  if (off !== tbs.end) throw new RangeError('tbsCertificate: trailing bytes');
  return out;
}
