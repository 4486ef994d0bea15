/**
 * The `security.ima` value (carried unchanged as FATTR4_IMA, `opaque
 * ima_data4<4096>`, draft-ietf-nfsv4-integrity-measurement §4/§5.3).
 *
 * Byte layouts (Linux security/integrity/integrity.h `enum evm_ima_xattr_type`,
 * `struct signature_v2_hdr`; ima-evm-utils src/imaevm.h):
 *
 *   0x01 IMA_XATTR_DIGEST      type | digest[20]            legacy: SHA-1 (MD5 when 16 bytes,
 *                                                           or 20 bytes ending in 4 zero bytes;
 *                                                           ima_get_hash_algo() in ima_appraise.c)
 *   0x02 EVM_XATTR_HMAC        (EVM only, never an IMA value)
 *   0x03 EVM_IMA_XATTR_DIGSIG  type | version | hash_algo | keyid[4] BE | sig_size[2] BE | sig[sig_size]
 *                              version 2: sig over the file digest;
 *                              version 3: sig over H(ima_file_id{type, hash_algo, digest})
 *   0x04 IMA_XATTR_DIGEST_NG   type | hash_algo | digest[hash_digest_size[hash_algo]]
 *   0x05 EVM_XATTR_PORTABLE_DIGSIG (EVM only)
 *   0x06 IMA_VERITY_DIGSIG     same header as 0x03, version must be 3; sig over
 *                              H(ima_file_id{0x06, hash_algo, fs-verity digest})
 *
 * hash_algo is the kernel hash_info number (hash-algo.ts). The header is 9 bytes
 * (type + the packed 8-byte signature_v2_hdr) and the value must be exactly
 * 9 + sig_size bytes long.
 */
import { hashAlgoById, type HashAlgo } from './hash-algo.js';

export const IMA_XATTR_DIGEST = 0x01;
export const EVM_XATTR_HMAC = 0x02;
export const EVM_IMA_XATTR_DIGSIG = 0x03;
export const IMA_XATTR_DIGEST_NG = 0x04;
export const EVM_XATTR_PORTABLE_DIGSIG = 0x05;
export const IMA_VERITY_DIGSIG = 0x06;

/** draft §4: ima_data4 is at most 4096 bytes. */
export const IMA_BLOB_MAX = 4096;
export const SIG_V2_HDR_LEN = 9;

export interface ParsedDigest {
  kind: 'digest';
  type: typeof IMA_XATTR_DIGEST | typeof IMA_XATTR_DIGEST_NG;
  algo: HashAlgo;
  digest: Buffer;
}

export interface ParsedSignature {
  kind: 'signature';
  type: typeof EVM_IMA_XATTR_DIGSIG | typeof IMA_VERITY_DIGSIG;
  version: 2 | 3;
  algo: HashAlgo;
  /** keyid as an unsigned 32-bit number (big-endian on the wire). */
  keyid: number;
  signature: Buffer;
}

/** A recognised but unsupported format (v1 RSA signatures). */
export interface ParsedUnsupported {
  kind: 'unsupported';
  type: number;
  reason: string;
}

export type ParsedBlob = ParsedDigest | ParsedSignature | ParsedUnsupported;
export type ParseResult = ParsedBlob | { error: string };

export function keyidHex(keyid: number): string {
  return (keyid >>> 0).toString(16).padStart(8, '0');
}

const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/**
 * Parse a security.ima value. Never throws: anything empty, truncated,
 * oversized, of unknown type/version/algorithm or whose lengths do not add up
 * comes back as `{ error }` (draft §5.3: handle unparseable metadata gracefully).
 */
export function parseImaBlob(buf: Uint8Array | null | undefined): ParseResult {
  if (!buf || buf.length === 0) return { error: 'empty IMA value' };
  if (buf.length > IMA_BLOB_MAX) return { error: `IMA value is ${buf.length} bytes, over the ${IMA_BLOB_MAX}-byte limit` };
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const type = b[0];
  switch (type) {
    case IMA_XATTR_DIGEST:
      return parseLegacyDigest(b);
    case IMA_XATTR_DIGEST_NG:
      return parseDigestNg(b);
    case EVM_IMA_XATTR_DIGSIG:
    case IMA_VERITY_DIGSIG:
      return parseSignature(b, type);
    case EVM_XATTR_HMAC:
    case EVM_XATTR_PORTABLE_DIGSIG:
      return { error: `type ${hex2(type)} is an EVM value, not an IMA one` };
    default:
      return { error: `unknown IMA value type ${hex2(type)}` };
  }
}

function parseLegacyDigest(b: Buffer): ParseResult {
  // ima_get_hash_algo(): 17 bytes is MD5; 21 bytes is SHA-1 unless the last 4 are zero (old MD5 padding).
  if (b.length === 17) return { kind: 'digest', type: IMA_XATTR_DIGEST, algo: hashAlgoById(1)!, digest: b.subarray(1) };
  if (b.length !== 21) return { error: `legacy digest (type 0x01) is ${b.length} bytes, expected 21` };
  if (b.readUInt32BE(17) === 0) return { kind: 'digest', type: IMA_XATTR_DIGEST, algo: hashAlgoById(1)!, digest: b.subarray(1, 17) };
  return { kind: 'digest', type: IMA_XATTR_DIGEST, algo: hashAlgoById(2)!, digest: b.subarray(1) };
}

function parseDigestNg(b: Buffer): ParseResult {
  if (b.length < 2) return { error: 'digest-ng (type 0x04) has no algorithm byte' };
  const algo = hashAlgoById(b[1]);
  if (!algo) return { error: `digest-ng (type 0x04) names unknown hash algorithm ${b[1]}` };
  const want = 2 + algo.size;
  if (b.length !== want) return { error: `digest-ng ${algo.name} value is ${b.length} bytes, expected ${want}` };
  return { kind: 'digest', type: IMA_XATTR_DIGEST_NG, algo, digest: b.subarray(2) };
}

function parseSignature(b: Buffer, type: typeof EVM_IMA_XATTR_DIGSIG | typeof IMA_VERITY_DIGSIG): ParseResult {
  const name = type === IMA_VERITY_DIGSIG ? 'verity signature (type 0x06)' : 'signature (type 0x03)';
  if (b.length < 2) return { error: `${name} is truncated before its version byte` };
  const version = b[1];
  if (type === EVM_IMA_XATTR_DIGSIG && version === 1) {
    return { kind: 'unsupported', type, reason: 'signature version 1 (pre-X.509 RSA digsig) is not supported' };
  }
  if (type === IMA_VERITY_DIGSIG ? version !== 3 : version !== 2 && version !== 3) {
    return { error: `${name} has unknown version ${version}` };
  }
  if (b.length < SIG_V2_HDR_LEN) return { error: `${name} is ${b.length} bytes, shorter than its 9-byte header` };
  const algo = hashAlgoById(b[2]);
  if (!algo) return { error: `${name} names unknown hash algorithm ${b[2]}` };
  const sigSize = b.readUInt16BE(7);
  if (sigSize === 0) return { error: `${name} has sig_size 0` };
  if (b.length !== SIG_V2_HDR_LEN + sigSize) {
    return { error: `${name} sig_size ${sigSize} does not match its length (${b.length} bytes, expected ${SIG_V2_HDR_LEN + sigSize})` };
  }
  return { kind: 'signature', type, version: version as 2 | 3, algo, keyid: b.readUInt32BE(3), signature: b.subarray(SIG_V2_HDR_LEN) };
}

/** 0x04 digest-ng value (or 0x01 for SHA-1 when `legacySha1`, as `evmctl ima_hash -a sha1` writes). */
export function encodeDigestBlob(algo: HashAlgo, digest: Uint8Array, legacySha1 = false): Buffer {
  if (digest.length !== algo.size) throw new RangeError(`${algo.name} digest must be ${algo.size} bytes, got ${digest.length}`);
  if (legacySha1 && algo.id === 2) return Buffer.concat([Buffer.from([IMA_XATTR_DIGEST]), digest]);
  return Buffer.concat([Buffer.from([IMA_XATTR_DIGEST_NG, algo.id]), digest]);
}

/** type | version | hash_algo | keyid BE32 | sig_size BE16 | sig (see layout above). */
export function encodeSignatureBlob(p: { type?: number; version?: 2 | 3; algo: HashAlgo; keyid: number; signature: Uint8Array }): Buffer {
  if (p.signature.length === 0 || SIG_V2_HDR_LEN + p.signature.length > IMA_BLOB_MAX) throw new RangeError(`signature of ${p.signature.length} bytes does not fit an IMA value`);
  const out = Buffer.alloc(SIG_V2_HDR_LEN + p.signature.length);
  out[0] = p.type ?? EVM_IMA_XATTR_DIGSIG;
  out[1] = p.version ?? 2;
  out[2] = p.algo.id;
  out.writeUInt32BE(p.keyid >>> 0, 3);
  out.writeUInt16BE(p.signature.length, 7);
  out.set(p.signature, SIG_V2_HDR_LEN);
  return out;
}
