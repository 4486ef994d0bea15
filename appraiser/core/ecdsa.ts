/**
 * ECDSA over NIST P-256 / P-384 / P-521 on a precomputed digest, with
 * @noble/curves (audited, maintained). The signature is DER-encoded X9.62
 * `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`, as evmctl writes it.
 *
 * Why not node:crypto: evmctl signs the file digest itself (EVP_PKEY_sign with
 * the digest as input), and node:crypto's sign/verify always hash their input
 * again; it has no prehashed mode for EC keys. RSA does not need this (see
 * signature-verify.ts).
 *
 * Options, and why:
 * - prehash: false: the input is already the digest (a longer digest is
 *   truncated to the order's bit length, SEC 1 §4.1.3 step 5, as OpenSSL does).
 * - lowS: false: OpenSSL (hence evmctl) makes and accepts high-S signatures;
 *   rejecting them would refuse valid evmctl signatures about half the time.
 * - sign: extraEntropy (RFC 6979 §3.6 hedged nonce), never a bare random one.
 */
import { createRequire } from 'node:module';
import type { KeyObject } from 'node:crypto';
import type * as Nist from '@noble/curves/nist.js';
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';

const JWK_CURVES = { 'P-256': 'p256', 'P-384': 'p384', 'P-521': 'p521' } as const;
export type EcCurveName = keyof typeof JWK_CURVES;

const requireModule = createRequire(import.meta.url);
let nist: typeof Nist | undefined;

/**
 * The curves, loaded on first use: importing @noble/curves costs about 30 ms
 * of CPU, which commands that never touch an EC key should not pay at start-up.
 * require() keeps verify and sign synchronous (they run inside appraise() and
 * signDigestBlob()); require of an ES module needs Node >= 20.19, the engines
 * floor of this package and of @noble/curves 2.
 */
function curveFor(name: EcCurveName): ECDSA {
  nist ??= requireModule('@noble/curves/nist.js') as typeof Nist;
  return nist[JWK_CURVES[name]];
}

/** JWK / X.509 curve name -> supported curve, or undefined. */
export function ecCurveName(name: string | undefined): EcCurveName | undefined {
  if (name === 'prime256v1' || name === 'P-256') return 'P-256';
  if (name === 'secp384r1' || name === 'P-384') return 'P-384';
  if (name === 'secp521r1' || name === 'P-521') return 'P-521';
  return undefined;
}

export interface EcPublic {
  curve: EcCurveName;
  /** SEC 1 §2.3.3 uncompressed point: 0x04 || X || Y, each the field size. */
  point: Uint8Array;
}

/** The public point of an EC key, checked to lie on its curve; null if the curve is not supported. */
export function ecPublicFromKey(key: KeyObject): EcPublic | null {
  const jwk = key.export({ format: 'jwk' });
  const curve = ecCurveName(jwk.crv);
  if (!curve) return null;
  if (!jwk.x || !jwk.y) throw new RangeError('EC key without coordinates');
  const point = Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  try {
    curveFor(curve).Point.fromBytes(point).assertValidity();
  } catch {
    throw new RangeError('EC public key is not on its curve');
  }
  return { curve, point };
}

/** true only for a valid DER signature by `pub` over `digest`. Never throws. */
export function ecdsaVerifyDigest(pub: EcPublic, digest: Uint8Array, sigDer: Uint8Array): boolean {
  try {
    return curveFor(pub.curve).verify(sigDer, digest, pub.point, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
}

/** Sign a digest with an EC private key: DER output, like evmctl (OpenSSL ECDSA_do_sign, then i2d). */
export function ecdsaSignDigest(key: KeyObject, digest: Uint8Array): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const curve = ecCurveName(jwk.crv);
  if (!curve) throw new RangeError(`unsupported EC curve ${jwk.crv ?? '?'}`);
  if (!jwk.d) throw new RangeError('not an EC private key');
  const d = Buffer.from(jwk.d, 'base64url');
  try {
    return Buffer.from(curveFor(curve).sign(digest, d, { prehash: false, lowS: false, format: 'der', extraEntropy: true }));
  } finally {
    d.fill(0);
  }
}
