/**
 * X.509 certificates for the keyring (RFC 5280). node:crypto's X509Certificate
 * (OpenSSL) parses and validates the whole certificate and checks signatures
 * between certificates; the three extensions IMA needs are read from the DER
 * with der.ts (pkijs/asn1js would add 100-300 ms to every CLI start for them):
 *
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT, serialNumber, signature, issuer, validity,
 *                                 subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
 *                                 subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT OPTIONAL }
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 *   §4.2.1.2 SubjectKeyIdentifier ::= OCTET STRING
 *   §4.2.1.3 KeyUsage ::= BIT STRING { digitalSignature (0), ..., keyCertSign (5), ... }
 *   §4.2.1.9 BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { children, oidString, readSingle, readTlv } from './der.js';
import { ecPublicFromKey, type EcPublic } from './ecdsa.js';

const OID_SKID = '2.5.29.14';
const OID_KEY_USAGE = '2.5.29.15';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

export interface ParsedCertificate {
  der: Buffer;
  x509: X509Certificate;
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  keyType: 'rsa' | 'ec';
  modulusBytes?: number;
  ec?: EcPublic;
  skid: Buffer | null;
  /** keyUsage bits, or null when the extension is absent (all usages allowed). */
  keyUsage: { digitalSignature: boolean; keyCertSign: boolean } | null;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
}

/** Describe the public key for signature verification; throws RangeError for unsupported key types. */
export function describePublicKey(publicKey: KeyObject): { keyType: 'rsa' | 'ec'; modulusBytes?: number; ec?: EcPublic } {
  const t = publicKey.asymmetricKeyType;
  if (t === 'rsa') {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    return { keyType: 'rsa', modulusBytes: Math.ceil(bits / 8) };
  }
  if (t === 'ec') {
    const ec = ecPublicFromKey(publicKey);
    if (!ec) throw new RangeError(`unsupported EC curve ${publicKey.asymmetricKeyDetails?.namedCurve ?? '?'} (P-256, P-384 and P-521 are supported)`);
    return { keyType: 'ec', ec };
  }
  throw new RangeError(`unsupported public key type ${t ?? '?'} (RSA and ECDSA P-256/P-384/P-521 are supported)`);
}

interface Extensions { skid: Buffer | null; keyUsage: ParsedCertificate['keyUsage']; isCa: boolean }

function readExtensions(der: Buffer): Extensions {
  const out: Extensions = { skid: null, keyUsage: null, isCa: false };
  const cert = readSingle(der, 0x30);
  const tbs = readTlv(cert.value, 0);
  if (tbs.tag !== 0x30) throw new RangeError('DER: TBSCertificate is not a SEQUENCE');
  const extsWrapper = children(tbs.value).find((c) => c.tag === 0xa3);
  if (!extsWrapper) return out;
  for (const ext of children(readSingle(extsWrapper.value, 0x30).value)) {
    const parts = children(ext.value);
    if (parts.length < 2 || parts[0].tag !== 0x06) throw new RangeError('DER: malformed Extension');
    const oid = oidString(parts[0].value);
    const octets = parts[parts.length - 1];
    if (octets.tag !== 0x04) throw new RangeError('DER: extnValue is not an OCTET STRING');
    if (oid === OID_SKID) {
      out.skid = Buffer.from(readSingle(octets.value, 0x04).value);
    } else if (oid === OID_KEY_USAGE) {
      const bits = readSingle(octets.value, 0x03).value;
      const b0 = bits.length > 1 ? bits[1] : 0; // bits[0] is the unused-bits count
      out.keyUsage = { digitalSignature: (b0 & 0x80) !== 0, keyCertSign: (b0 & 0x04) !== 0 };
    } else if (oid === OID_BASIC_CONSTRAINTS) {
      const seq = children(readSingle(octets.value, 0x30).value);
      out.isCa = seq.length > 0 && seq[0].tag === 0x01 && seq[0].value.length === 1 && seq[0].value[0] !== 0;
    }
  }
  return out;
}

/** Parse one DER certificate; throws with a reason on malformed input. */
export function parseCertificate(der: Buffer): ParsedCertificate {
  const x509 = new X509Certificate(der);
  const publicKey = x509.publicKey;
  const { skid, keyUsage, isCa } = readExtensions(der);
  return {
    der,
    x509,
    subject: x509.subject.replace(/\n/g, ', '),
    issuer: x509.issuer.replace(/\n/g, ', '),
    publicKey,
    ...describePublicKey(publicKey),
    skid,
    keyUsage,
    isCa,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
}

/** Split PEM text into DER blobs of one label; [] if none. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const out: Buffer[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  return out;
}
