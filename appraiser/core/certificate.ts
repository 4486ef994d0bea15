/**
 * X.509 certificates for the keyring (RFC 5280). node:crypto's
 * X509Certificate (OpenSSL) parses and checks the whole certificate and
 * supplies the public key object, the names for messages and, in keyring.ts,
 * the chain signature checks. The fields IMA needs beyond that (the
 * subjectPublicKey bits, SKID, keyUsage, basicConstraints, validity) come
 * from pkijs on asn1js when `libs` is given, else from the small DER walk in
 * der-certificate.ts.
 *
 * pkijs and asn1js are passed in (X509Libs) rather than imported: they cost
 * 70-100 ms of CPU to load, so appraiser/io/load-x509-libs.ts imports them
 * only where CA chains are checked (loadKeyring with CA certificates) or a
 * caller asks for them. No pkijs crypto engine is used.
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
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';
import { ecPublicFromKey, type EcPublic } from './ecdsa.js';
import { readDerCertificate } from './der-certificate.js';

const OID_SKID = '2.5.29.14';
const OID_KEY_USAGE = '2.5.29.15';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

/** The parts of pkijs and asn1js certificate parsing uses (the modules themselves satisfy it). */
export interface X509Libs {
  pkijs: Pick<typeof Pkijs, 'Certificate' | 'BasicConstraints'>;
  asn1js: Pick<typeof Asn1js, 'fromBER' | 'OctetString' | 'BitString'>;
}

export interface ParsedCertificate {
  der: Buffer;
  x509: X509Certificate;
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  /** subjectPublicKey BIT STRING contents as the certificate carries them (evmctl hashes these for its keyid). */
  publicKeyBits: Buffer;
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

/** Decode `bytes` as exactly one ASN.1 value (no trailing bytes). */
function decodeOne(libs: X509Libs, bytes: Uint8Array, what: string): Asn1js.AsnType {
  const asn1 = libs.asn1js.fromBER(bytes);
  if (asn1.offset === -1) throw new RangeError(`${what}: ${asn1.result.error || 'malformed ASN.1'}`);
  if (asn1.offset !== bytes.byteLength) throw new RangeError(`${what}: trailing bytes`);
  return asn1.result;
}

interface Extensions { skid: Buffer | null; keyUsage: ParsedCertificate['keyUsage']; isCa: boolean }

function readExtensions(libs: X509Libs, cert: Pkijs.Certificate): Extensions {
  const out: Extensions = { skid: null, keyUsage: null, isCa: false };
  for (const ext of cert.extensions ?? []) {
    const value = (): Asn1js.AsnType => decodeOne(libs, ext.extnValue.valueBlock.valueHexView, `extension ${ext.extnID}`);
    if (ext.extnID === OID_SKID) {
      const v = value();
      if (!(v instanceof libs.asn1js.OctetString)) throw new RangeError('subjectKeyIdentifier is not an OCTET STRING');
      out.skid = Buffer.from(v.valueBlock.valueHexView);
    } else if (ext.extnID === OID_KEY_USAGE) {
      const v = value();
      if (!(v instanceof libs.asn1js.BitString)) throw new RangeError('keyUsage is not a BIT STRING');
      const b0 = v.valueBlock.valueHexView[0] ?? 0;
      out.keyUsage = { digitalSignature: (b0 & 0x80) !== 0, keyCertSign: (b0 & 0x04) !== 0 };
    } else if (ext.extnID === OID_BASIC_CONSTRAINTS) {
      let bc: Pkijs.BasicConstraints;
      try { bc = new libs.pkijs.BasicConstraints({ schema: value() }); } catch (e) {
        throw new RangeError(`malformed basicConstraints${e instanceof Error ? `: ${e.message}` : ''}`);
      }
      out.isCa = bc.cA === true;
    }
  }
  return out;
}

function opensslParse(der: Buffer): X509Certificate {
  try { return new X509Certificate(der); } catch (e) {
    throw new RangeError(`not an X.509 certificate${e instanceof Error ? `: ${e.message}` : ''}`);
  }
}

/**
 * Parse one DER certificate; throws with a reason on malformed input. With
 * `libs` pkijs reads the IMA fields, else the DER walk (der-certificate.ts)
 * over a certificate OpenSSL has accepted first.
 */
export function parseCertificate(der: Buffer, libs?: X509Libs): ParsedCertificate {
  if (!libs) {
    // Framing first, so trailing or missing bytes are named as such, not as an OpenSSL error.
    const fields = readDerCertificate(der);
    const x509 = opensslParse(der);
    const publicKey = x509.publicKey;
    return {
      der, x509,
      subject: x509.subject.replace(/\n/g, ', '),
      issuer: x509.issuer.replace(/\n/g, ', '),
      publicKey,
      ...describePublicKey(publicKey),
      ...fields,
    };
  }
  const asn1 = decodeOne(libs, der, 'certificate');
  let cert: Pkijs.Certificate;
  try { cert = new libs.pkijs.Certificate({ schema: asn1 }); } catch (e) {
    throw new RangeError(`not an X.509 certificate${e instanceof Error ? `: ${e.message}` : ''}`);
  }
  // OpenSSL parses it too: the key object, names and chain checks come from there.
  const x509 = new X509Certificate(der);
  const publicKey = x509.publicKey;
  return {
    der,
    x509,
    subject: x509.subject.replace(/\n/g, ', '),
    issuer: x509.issuer.replace(/\n/g, ', '),
    publicKey,
    publicKeyBits: Buffer.from(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
    ...describePublicKey(publicKey),
    ...readExtensions(libs, cert),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
  };
}

/** Split PEM text into DER blobs of one label; [] if none. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const out: Buffer[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  return out;
}
