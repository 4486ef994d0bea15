/**
 * Hash algorithms as numbered by the Linux kernel (include/uapi/linux/hash_info.h,
 * `enum hash_algo`; names from crypto/hash_info.c `hash_algo_name[]`). The same
 * numbers appear in the digest-ng algorithm byte and in signature_v2_hdr.hash_algo
 * (ima-evm-utils src/imaevm.h `enum pkey_hash_algo` agrees for 0..7).
 */
import { getHashes } from 'node:crypto';

export interface HashAlgo {
  /** Kernel hash_info number. */
  id: number;
  /** Kernel name, as in ascii_runtime_measurements ("sha256:..."). */
  name: string;
  /** Digest size in bytes (hash_digest_size[]). */
  size: number;
  /** node:crypto / OpenSSL name, or null when node cannot compute it. */
  node: string | null;
}

const TABLE: Array<[number, string, number, string | null]> = [
  [0, 'md4', 16, 'md4'],
  [1, 'md5', 16, 'md5'],
  [2, 'sha1', 20, 'sha1'],
  [3, 'rmd160', 20, 'ripemd160'],
  [4, 'sha256', 32, 'sha256'],
  [5, 'sha384', 48, 'sha384'],
  [6, 'sha512', 64, 'sha512'],
  [7, 'sha224', 28, 'sha224'],
  [8, 'rmd128', 16, null],
  [9, 'rmd256', 32, null],
  [10, 'rmd320', 40, null],
  [11, 'wp256', 32, null],
  [12, 'wp384', 48, null],
  [13, 'wp512', 64, null],
  [14, 'tgr128', 16, null],
  [15, 'tgr160', 20, null],
  [16, 'tgr192', 24, null],
  [17, 'sm3', 32, 'sm3'],
  [18, 'streebog256', 32, null],
  [19, 'streebog512', 64, null],
  [20, 'sha3-256', 32, 'sha3-256'],
  [21, 'sha3-384', 48, 'sha3-384'],
  [22, 'sha3-512', 64, 'sha3-512'],
];

const available = new Set(getHashes());
const BY_ID = new Map<number, HashAlgo>();
const BY_NAME = new Map<string, HashAlgo>();
for (const [id, name, size, node] of TABLE) {
  const a: HashAlgo = Object.freeze({ id, name, size, node: node !== null && available.has(node) ? node : null });
  BY_ID.set(id, a);
  BY_NAME.set(name, a);
}
// evmctl and OpenSSL spellings that name the same algorithms.
BY_NAME.set('ripemd160', BY_ID.get(3)!);
BY_NAME.set('sm3-256', BY_ID.get(17)!);

export function hashAlgoById(id: number): HashAlgo | undefined {
  return BY_ID.get(id);
}

/** Accepts kernel names (sha256, sha3-256, rmd160) case-insensitively. */
export function hashAlgoByName(name: string): HashAlgo | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function hashAlgoName(id: number): string {
  return BY_ID.get(id)?.name ?? `hash#${id}`;
}

/** Every algorithm the kernel numbers, in id order. */
export function allHashAlgos(): HashAlgo[] {
  return [...BY_ID.values()];
}

/**
 * Allowed by default (documented in docs/appraisal.md): the SHA-2 and SHA-3
 * families and SM3. MD4, MD5, SHA-1 and the legacy RIPEMD/Whirlpool/Tiger
 * algorithms are refused unless explicitly allowed (--allow-algo).
 */
export const DEFAULT_ALLOWED_ALGOS: readonly string[] = Object.freeze(['sha224', 'sha256', 'sha384', 'sha512', 'sha3-256', 'sha3-384', 'sha3-512', 'sm3']);
