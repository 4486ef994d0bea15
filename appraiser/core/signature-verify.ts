/**
 * Verify an IMA signature over a digest the caller already computed, the way
 * evmctl (EVP_PKEY_verify with the signature md set) and the kernel
 * (public_key_verify_signature, pkcs1 / x962 encodings) do:
 *
 * - RSA: PKCS#1 v1.5 (RFC 8017 §8.2.2 / §9.2). node:crypto's publicDecrypt with
 *   RSA_PKCS1_PADDING strips and checks the type-1 padding; the rest must equal
 *   DigestInfo(algo) || digest byte for byte (compared in constant time), which
 *   is what EMSA-PKCS1-v1_5 encoding-and-compare means.
 * - ECDSA P-256/P-384/P-521: X9.62 DER signature over the digest (ecdsa.ts, @noble/curves).
 */
import { constants, publicDecrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { HashAlgo } from './hash-algo.js';
import { ecdsaVerifyDigest, type EcPublic } from './ecdsa.js';

/** DER prefix of DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING digest } (RFC 8017 §9.2 note 1). */
const DIGEST_INFO_PREFIX: Record<string, string> = {
  md4: '3020300c06082a864886f70d020405000410',
  md5: '3020300c06082a864886f70d020505000410',
  sha1: '3021300906052b0e03021a05000414',
  rmd160: '3021300906052b2403020105000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
  'sha3-256': '3031300d060960864801650304020805000420',
  'sha3-384': '3041300d060960864801650304020905000430',
  'sha3-512': '3051300d060960864801650304020a05000440',
  sm3: '3030300c06082a811ccf550183110500' + '0420',
};

const PREFIX_BYTES = new Map(Object.entries(DIGEST_INFO_PREFIX).map(([k, v]) => [k, Buffer.from(v, 'hex')]));

export function digestInfo(algo: HashAlgo, digest: Uint8Array): Buffer | null {
  const prefix = PREFIX_BYTES.get(algo.name);
  if (!prefix) return null;
  return Buffer.concat([prefix, digest]);
}

export interface VerifyKey {
  type: 'rsa' | 'ec';
  publicKey: KeyObject;
  /** RSA modulus size in bytes. */
  modulusBytes?: number;
  ec?: EcPublic;
}

/** true only when `sig` is a valid signature by `key` over `digest` with `algo`. Never throws. */
export function verifyDigestSignature(key: VerifyKey, algo: HashAlgo, digest: Uint8Array, sig: Uint8Array): boolean {
  try {
    if (digest.length !== algo.size) return false;
    if (key.type === 'ec') return key.ec ? ecdsaVerifyDigest(key.ec, digest, sig) : false;
    if (key.modulusBytes !== undefined && sig.length !== key.modulusBytes) return false;
    const expected = digestInfo(algo, digest);
    if (!expected) return false;
    const recovered = publicDecrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig);
    return recovered.length === expected.length && timingSafeEqual(recovered, expected);
  } catch {
    return false; // malformed signature (wrong size, bad padding): not a valid signature
  }
}
