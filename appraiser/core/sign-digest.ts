/**
 * Make IMA signature values the way `evmctl ima_sign` does (sign_hash_v2():
 * EVP_PKEY_sign over the file digest with the signature md set), so
 * `evmctl ima_verify` and the kernel accept them:
 *   RSA:   PKCS#1 v1.5 over DigestInfo(algo) || digest (RFC 8017 §9.2), via
 *          node:crypto privateEncrypt (deterministic, byte-identical to evmctl)
 *   ECDSA: DER Ecdsa-Sig-Value over the digest (ecdsa.ts, @noble/curves)
 */
import { constants, createPublicKey, privateEncrypt, type KeyObject } from 'node:crypto';
import { encodeSignatureBlob, EVM_IMA_XATTR_DIGSIG, IMA_VERITY_DIGSIG } from './blob-format.js';
import { ecdsaSignDigest } from './ecdsa.js';
import type { HashAlgo } from './hash-algo.js';
import { fileIdDigest } from './ima-file-id.js';
import { keyidFromPublicKey } from './keyid.js';
import { digestInfo } from './signature-verify.js';

export interface SignDigestInput {
  privateKey: KeyObject;
  algo: HashAlgo;
  /** The content digest with `algo`. */
  digest: Uint8Array;
  /** keyid to write; default: SHA-1-of-public-key keyid (evmctl without a cert). */
  keyid?: number;
  /** 2 (default, what evmctl and all kernels use) or 3 (signs H(ima_file_id)). */
  version?: 2 | 3;
  /** `digest` is an fs-verity file digest: write a type 0x06 value (always version 3). */
  verity?: boolean;
}

/** Raw signature bytes over a digest (already the v3 file-id digest if wanted). */
export function signDigestRaw(privateKey: KeyObject, algo: HashAlgo, digest: Uint8Array): Buffer {
  const t = privateKey.asymmetricKeyType;
  if (t === 'rsa') {
    const di = digestInfo(algo, digest);
    if (!di) throw new RangeError(`no PKCS#1 DigestInfo for ${algo.name}`);
    return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, di);
  }
  if (t === 'ec') return ecdsaSignDigest(privateKey, digest);
  throw new RangeError(`unsupported private key type ${t ?? '?'} (RSA or ECDSA P-256/P-384/P-521)`);
}

/** A complete 0x03 signature value for security.ima. */
export function signDigestBlob(p: SignDigestInput): Buffer {
  if (p.digest.length !== p.algo.size) throw new RangeError(`${p.algo.name} digest must be ${p.algo.size} bytes`);
  const type = p.verity ? IMA_VERITY_DIGSIG : EVM_IMA_XATTR_DIGSIG;
  const version = p.verity ? 3 : p.version ?? 2;
  const signed = version === 3 ? fileIdDigest(type, p.algo, p.digest) : p.digest;
  const keyid = p.keyid ?? keyidFromPublicKey(createPublicKey(p.privateKey));
  return encodeSignatureBlob({ type, version, algo: p.algo, keyid, signature: signDigestRaw(p.privateKey, p.algo, signed) });
}
