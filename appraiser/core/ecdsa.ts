/**
 * ECDSA over NIST P-256 / P-384 / P-521 on a precomputed digest (SEC 1 v2 §4.1.3/§4.1.4,
 * FIPS 186-4 §6.4), with the signature DER-encoded as X9.62
 * `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`.
 *
 * Why not node:crypto: evmctl signs the file digest itself (EVP_PKEY_sign with
 * the digest as input), and node:crypto's sign/verify always hash their input
 * again; it has no "prehashed" mode for EC keys. RSA does not need this (see
 * signature-verify.ts). Verification uses only public data. Signing (imafs sign)
 * uses a fresh random nonce per signature; BigInt arithmetic is not constant-time,
 * which is acceptable for a local signing tool but documented.
 */
import { randomBytes, type KeyObject } from 'node:crypto';

interface Curve { name: string; p: bigint; a: bigint; b: bigint; n: bigint; gx: bigint; gy: bigint; bits: number; bytes: number }

const CURVES: Record<string, Curve> = {
  'P-256': {
    name: 'P-256', bits: 256, bytes: 32,
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  },
  'P-384': {
    name: 'P-384', bits: 384, bytes: 48,
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  },
  'P-521': {
    name: 'P-521', bits: 521, bytes: 66,
    p: (1n << 521n) - 1n,
    a: (1n << 521n) - 4n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
  },
};

export function ecCurve(name: string | undefined): Curve | undefined {
  if (name === 'prime256v1' || name === 'P-256') return CURVES['P-256'];
  if (name === 'secp384r1' || name === 'P-384') return CURVES['P-384'];
  if (name === 'secp521r1' || name === 'P-521') return CURVES['P-521'];
  return undefined;
}

const mod = (x: bigint, m: bigint): bigint => { const r = x % m; return r < 0n ? r + m : r; };

function inv(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  if (b !== 1n) throw new RangeError('not invertible');
  return mod(v, m);
}

/** Jacobian coordinates (X, Y, Z); Z = 0 is the point at infinity. */
type J = [bigint, bigint, bigint];
const INF: J = [1n, 1n, 0n];

function dbl(c: Curve, P: J): J {
  const [X, Y, Z] = P;
  if (Z === 0n || Y === 0n) return INF;
  const p = c.p;
  // a = -3: M = 3(X - Z^2)(X + Z^2)
  const Z2 = (Z * Z) % p;
  const M = (3n * ((X - Z2) % p) * ((X + Z2) % p)) % p;
  const Y2 = (Y * Y) % p;
  const S = (4n * X * Y2) % p;
  const X3 = mod(M * M - 2n * S, p);
  const Y3 = mod(M * (S - X3) - 8n * Y2 * Y2, p);
  const Z3 = (2n * Y * Z) % p;
  return [X3, Y3, Z3];
}

function add(c: Curve, P: J, Q: J): J {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const p = c.p;
  const [X1, Y1, Z1] = P;
  const [X2, Y2, Z2] = Q;
  const Z1s = (Z1 * Z1) % p;
  const Z2s = (Z2 * Z2) % p;
  const U1 = (X1 * Z2s) % p;
  const U2 = (X2 * Z1s) % p;
  const S1 = (Y1 * Z2s * Z2) % p;
  const S2 = (Y2 * Z1s * Z1) % p;
  const H = mod(U2 - U1, p);
  const R = mod(S2 - S1, p);
  if (H === 0n) return R === 0n ? dbl(c, P) : INF;
  const H2 = (H * H) % p;
  const H3 = (H2 * H) % p;
  const U1H2 = (U1 * H2) % p;
  const X3 = mod(R * R - H3 - 2n * U1H2, p);
  const Y3 = mod(R * (U1H2 - X3) - S1 * H3, p);
  const Z3 = (H * Z1 * Z2) % p;
  return [X3, Y3, Z3];
}

function affineX(c: Curve, P: J): bigint | null {
  if (P[2] === 0n) return null;
  const zi = inv(P[2], c.p);
  return (P[0] * zi * zi) % c.p;
}

/** u1*G + u2*Q with Shamir's trick (one shared doubling chain). */
function mulAdd(c: Curve, u1: bigint, u2: bigint, Q: J): J {
  const G: J = [c.gx, c.gy, 1n];
  const GQ = add(c, G, Q);
  let R = INF;
  const bits = Math.max(u1.toString(2).length, u2.toString(2).length);
  for (let i = bits - 1; i >= 0; i--) {
    R = dbl(c, R);
    const b1 = (u1 >> BigInt(i)) & 1n;
    const b2 = (u2 >> BigInt(i)) & 1n;
    if (b1 && b2) R = add(c, R, GQ);
    else if (b1) R = add(c, R, G);
    else if (b2) R = add(c, R, Q);
  }
  return R;
}

const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));

/** The digest as an integer, truncated to the bit length of n (SEC 1 §4.1.3 step 5). */
function digestInt(c: Curve, digest: Uint8Array): bigint {
  let e = toBig(digest);
  const dbits = digest.length * 8;
  if (dbits > c.bits) e >>= BigInt(dbits - c.bits);
  return e;
}

/** Strict DER decode of Ecdsa-Sig-Value; null on any deviation. */
export function decodeEcdsaDer(sig: Uint8Array): { r: bigint; s: bigint } | null {
  let off = 0;
  const len = (): number | null => {
    const f = sig[off++];
    if (f === undefined) return null;
    if (f < 0x80) return f;
    if (f !== 0x81) return null; // signatures up to P-521 need at most one length byte
    const l = sig[off++];
    return l === undefined || l < 0x80 ? null : l;
  };
  const int = (): bigint | null => {
    if (sig[off++] !== 0x02) return null;
    const l = len();
    if (l === null || l === 0 || off + l > sig.length) return null;
    const body = sig.subarray(off, off + l);
    off += l;
    if (body[0] & 0x80) return null; // negative
    if (l > 1 && body[0] === 0 && !(body[1] & 0x80)) return null; // non-minimal
    return toBig(body);
  };
  if (sig[off++] !== 0x30) return null;
  const seqLen = len();
  if (seqLen === null || off + seqLen !== sig.length) return null;
  const r = int();
  const s = int();
  if (r === null || s === null || off !== sig.length) return null;
  return { r, s };
}

function encodeInt(x: bigint): Buffer {
  let h = x.toString(16);
  if (h.length % 2) h = `0${h}`;
  let b = Buffer.from(h, 'hex');
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

export function encodeEcdsaDer(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([encodeInt(r), encodeInt(s)]);
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}

function jwkInt(v: string | undefined): bigint {
  if (!v) throw new RangeError('EC key without coordinates');
  return toBig(Buffer.from(v, 'base64url'));
}

export interface EcPublic { curve: Curve; x: bigint; y: bigint }

/** Coordinates of an EC public key, checked to lie on the curve; null if the curve is not supported. */
export function ecPublicFromKey(key: KeyObject): EcPublic | null {
  const jwk = key.export({ format: 'jwk' });
  const curve = ecCurve(jwk.crv);
  if (!curve) return null;
  const x = jwkInt(jwk.x);
  const y = jwkInt(jwk.y);
  const { p, a, b } = curve;
  if (x >= p || y >= p || mod(y * y - (x * x * x + a * x + b), p) !== 0n) throw new RangeError('EC public key is not on its curve');
  return { curve, x, y };
}

export function ecdsaVerifyDigest(pub: EcPublic, digest: Uint8Array, sigDer: Uint8Array): boolean {
  const c = pub.curve;
  const rs = decodeEcdsaDer(sigDer);
  if (!rs) return false;
  const { r, s } = rs;
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const e = digestInt(c, digest);
  const w = inv(s, c.n);
  const R = mulAdd(c, mod(e * w, c.n), mod(r * w, c.n), [pub.x, pub.y, 1n]);
  const x = affineX(c, R);
  return x !== null && mod(x, c.n) === r;
}

/** Sign a digest with an EC private key (random nonce from node:crypto), DER output like evmctl/OpenSSL. */
export function ecdsaSignDigest(key: KeyObject, digest: Uint8Array): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const c = ecCurve(jwk.crv);
  if (!c) throw new RangeError(`unsupported EC curve ${jwk.crv ?? '?'}`);
  const d = jwkInt(jwk.d);
  const e = digestInt(c, digest);
  for (;;) {
    const k = mod(toBig(randomBytes(c.bytes + 8)), c.n - 1n) + 1n;
    const x = affineX(c, mulAdd(c, k, 0n, INF));
    if (x === null) continue;
    const r = mod(x, c.n);
    if (r === 0n) continue;
    const s = mod(inv(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    return encodeEcdsaDer(r, s);
  }
}
