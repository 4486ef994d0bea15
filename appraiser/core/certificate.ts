/**
 * X.509 certificates for the keyring, parsed with pkijs/asn1js (RFC 5280 §4.1,
 * extensions §4.2.1.2 subjectKeyIdentifier, §4.2.1.3 keyUsage, §4.2.1.9
 * basicConstraints). Signatures between certificates are checked with
 * node:crypto's X509Certificate.
 */
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';
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
    if (!ec) throw new RangeError(`unsupported EC curve ${publicKey.asymmetricKeyDetails?.namedCurve ?? '?'} (P-256 and P-384 are supported)`);
    return { keyType: 'ec', ec };
  }
  throw new RangeError(`unsupported public key type ${t ?? '?'} (RSA and ECDSA P-256/P-384 are supported)`);
}

/** Parse one DER certificate; throws (RangeError/Error) with a reason on malformed input. */
export function parseCertificate(der: Buffer): ParsedCertificate {
  const asn = asn1js.fromBER(new Uint8Array(der.buffer, der.byteOffset, der.length));
  if (asn.offset === -1) throw new RangeError(`not DER: ${asn.result.error || 'ASN.1 decode failed'}`);
  const cert = new pkijs.Certificate({ schema: asn.result });
  const x509 = new X509Certificate(der);
  const publicKey = createPublicKey({ key: Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false)), format: 'der', type: 'spki' });
  let skid: Buffer | null = null;
  let keyUsage: ParsedCertificate['keyUsage'] = null;
  let isCa = false;
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID === OID_SKID && ext.parsedValue instanceof asn1js.OctetString) {
      skid = Buffer.from(ext.parsedValue.valueBlock.valueHexView);
    } else if (ext.extnID === OID_KEY_USAGE && ext.parsedValue instanceof asn1js.BitString) {
      const bits = ext.parsedValue.valueBlock.valueHexView;
      // KeyUsage BIT STRING: digitalSignature(0) is the most significant bit of the first octet, keyCertSign(5).
      keyUsage = { digitalSignature: (bits[0] & 0x80) !== 0, keyCertSign: (bits[0] & 0x04) !== 0 };
    } else if (ext.extnID === OID_BASIC_CONSTRAINTS && ext.parsedValue instanceof pkijs.BasicConstraints) {
      isCa = ext.parsedValue.cA === true;
    }
  }
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
