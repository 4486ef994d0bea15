/**
 * The trusted keys, built from buffers (appraiser/io/load-keyring.ts reads the
 * files). Like the kernel's .ima keyring, keys come from X.509 certificates;
 * bare SubjectPublicKeyInfo keys are accepted too when no CA is configured.
 *
 * Each key is found by its keyid (keyid.ts): the SKID-based one and, when it
 * differs, the SHA-1-of-public-key one evmctl writes when it signs without a
 * certificate. The keyid only selects candidates; the signature decides.
 *
 * With CA certificates configured, a signing certificate is trusted only if it
 * was issued by one of them (signature checked), carries keyUsage
 * digitalSignature, is not itself a CA, and both are within their validity
 * dates at appraisal time.
 */
import { createPublicKey } from 'node:crypto';
import { ImafsAppraiserError } from '../errors.js';
import { describePublicKey, parseCertificate, pemBlocks, type ParsedCertificate, type X509Libs } from './certificate.js';
import { keyidFromPublicKey, keyidFromPublicKeyBits, keyidFromSkid } from './keyid.js';
import { keyidHex } from './blob-format.js';
import type { VerifyKey } from './signature-verify.js';

export interface KeySource {
  /** File contents: PEM (any number of CERTIFICATE / PUBLIC KEY blocks) or one DER certificate / SPKI key. */
  data: Buffer;
  /** Where it came from, for messages and verdicts. */
  source: string;
}

export interface TrustedKey extends VerifyKey {
  keyid: number;
  keyidHex: string;
  /** Every keyid this key answers to. */
  keyids: number[];
  source: string;
  cert: ParsedCertificate | null;
  /** Chain check done at load time (CA mode only); null when no CA is configured. */
  chain: { ok: true; ca: string; caCert: ParsedCertificate } | { ok: false; reason: string } | null;
}

export type TrustResult = { ok: true } | { ok: false; code: 'untrusted-key' | 'expired-key'; reason: string };

function loadError(source: string, what: string, cause?: unknown): ImafsAppraiserError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new ImafsAppraiserError('IMAFS_KEY_LOAD', `${source}: ${what}${detail}`, { file: source, cause });
}

/** Certificates and bare public keys in one source. */
function decodeSource(src: KeySource, allowBareKeys: boolean, libs: X509Libs | undefined): Array<{ cert: ParsedCertificate | null; spki: Buffer | null }> {
  const text = src.data.toString('latin1');
  const out: Array<{ cert: ParsedCertificate | null; spki: Buffer | null }> = [];
  if (text.includes('-----BEGIN ')) {
    if (/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
      throw loadError(src.source, 'contains a private key; give the certificate (or public key) instead');
    }
    for (const der of pemBlocks(text, 'CERTIFICATE')) {
      try { out.push({ cert: parseCertificate(der, libs), spki: null }); } catch (e) { throw loadError(src.source, 'bad certificate', e); }
    }
    for (const der of pemBlocks(text, 'PUBLIC KEY')) {
      if (!allowBareKeys) throw loadError(src.source, 'is a public key, not a certificate');
      out.push({ cert: null, spki: der });
    }
    if (out.length === 0) throw loadError(src.source, 'no CERTIFICATE or PUBLIC KEY block in PEM file');
    return out;
  }
  if (src.data.length === 0) throw loadError(src.source, 'is empty');
  try {
    return [{ cert: parseCertificate(src.data, libs), spki: null }];
  } catch (certErr) {
    if (allowBareKeys) {
      try {
        createPublicKey({ key: src.data, format: 'der', type: 'spki' });
        return [{ cert: null, spki: src.data }];
      } catch { /* fall through to the certificate error, the common case */ }
    }
    throw loadError(src.source, 'is neither a PEM file nor a DER certificate', certErr);
  }
}

export class Keyring {
  readonly keys: readonly TrustedKey[];
  readonly cas: readonly ParsedCertificate[];
  /** The bytes this keyring was built from: enough to rebuild it in a worker thread (appraisal-pool.ts). */
  readonly sources: { readonly keys: readonly KeySource[]; readonly cas: readonly KeySource[] };
  private readonly byKeyid = new Map<number, TrustedKey[]>();

  private constructor(keys: TrustedKey[], cas: ParsedCertificate[], sources: Keyring['sources']) {
    this.keys = keys;
    this.cas = cas;
    this.sources = sources;
    for (const k of keys) {
      for (const id of k.keyids) {
        const list = this.byKeyid.get(id) ?? [];
        list.push(k);
        this.byKeyid.set(id, list);
      }
    }
  }

  /**
   * Build from file contents. With `libs` (pkijs, asn1js; appraiser/io/load-x509-libs.ts)
   * they read the certificate fields, else the DER walk does (certificate.ts).
   * Throws ImafsAppraiserError IMAFS_KEY_LOAD naming the source on bad input.
   */
  static fromSources(keySources: KeySource[], caSources: KeySource[], libs?: X509Libs): Keyring {
    const cas: Array<ParsedCertificate & { source: string }> = [];
    for (const src of caSources) {
      for (const { cert } of decodeSource(src, false, libs)) {
        if (!cert!.isCa) throw loadError(src.source, `certificate ${cert!.subject} is not a CA (basicConstraints CA:TRUE missing)`);
        cas.push(Object.assign(cert!, { source: src.source }));
      }
    }
    const keys: TrustedKey[] = [];
    for (const src of keySources) {
      for (const { cert, spki } of decodeSource(src, true, libs)) {
        const publicKey = cert ? cert.publicKey : createPublicKey({ key: spki!, format: 'der', type: 'spki' });
        let desc;
        try { desc = describePublicKey(publicKey); } catch (e) { throw loadError(src.source, 'unusable key', e); }
        const pkid = cert ? keyidFromPublicKeyBits(cert.publicKeyBits) : keyidFromPublicKey(publicKey);
        const skidId = cert?.skid ? keyidFromSkid(cert.skid) : null;
        const keyid = skidId ?? pkid;
        const keyids = skidId !== null && skidId !== pkid ? [skidId, pkid] : [keyid];
        keys.push({
          type: desc.keyType, modulusBytes: desc.modulusBytes, ec: desc.ec, publicKey, keyid, keyidHex: keyidHex(keyid), keyids, source: src.source, cert,
          chain: cas.length === 0 ? null : chainTo(cert, cas),
        });
      }
    }
    return new Keyring(keys, cas, { keys: [...keySources], cas: [...caSources] });
  }

  /** An empty keyring (every signature is then `unknown-key`). */
  static empty(): Keyring {
    return new Keyring([], [], { keys: [], cas: [] });
  }

  get size(): number {
    return this.keys.length;
  }

  lookup(keyid: number): readonly TrustedKey[] {
    return this.byKeyid.get(keyid >>> 0) ?? [];
  }

  /** Is `key` trusted at `now`? Chain first (untrusted-key), then validity dates (expired-key). */
  trustAt(key: TrustedKey, now: Date): TrustResult {
    if (key.chain && !key.chain.ok) return { ok: false, code: 'untrusted-key', reason: key.chain.reason };
    const cert = key.cert;
    if (cert) {
      if (cert.keyUsage && !cert.keyUsage.digitalSignature) {
        return { ok: false, code: 'untrusted-key', reason: `certificate ${cert.subject} lacks keyUsage digitalSignature` };
      }
      const dates = checkDates(cert, now, 'certificate');
      if (dates) return dates;
    }
    if (key.chain?.ok) {
      const dates = checkDates(key.chain.caCert, now, 'CA certificate');
      if (dates) return dates;
    }
    return { ok: true };
  }
}

function checkDates(cert: ParsedCertificate, now: Date, what: string): TrustResult | null {
  if (now < cert.notBefore) return { ok: false, code: 'expired-key', reason: `${what} ${cert.subject} is not valid before ${cert.notBefore.toISOString()}` };
  if (now > cert.notAfter) return { ok: false, code: 'expired-key', reason: `${what} ${cert.subject} expired ${cert.notAfter.toISOString()}` };
  return null;
}

function chainTo(cert: ParsedCertificate | null, cas: Array<ParsedCertificate & { source: string }>): TrustedKey['chain'] {
  if (!cert) return { ok: false, reason: 'a bare public key cannot chain to the configured CA' };
  if (cert.isCa) return { ok: false, reason: `certificate ${cert.subject} is a CA certificate, not a signing certificate` };
  if (!cert.keyUsage?.digitalSignature) return { ok: false, reason: `certificate ${cert.subject} lacks keyUsage digitalSignature` };
  for (const ca of cas) {
    if (!cert.x509.checkIssued(ca.x509)) continue;
    if (ca.keyUsage && !ca.keyUsage.keyCertSign) continue;
    let good = false;
    try { good = cert.x509.verify(ca.publicKey); } catch { good = false; }
    if (good) return { ok: true, ca: ca.source, caCert: ca };
  }
  return { ok: false, reason: `certificate ${cert.subject} (issuer ${cert.issuer}) is not signed by a configured CA` };
}
