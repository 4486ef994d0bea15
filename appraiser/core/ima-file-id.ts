/**
 * Signature v3 indirection (Linux security/integrity/ima/ima_appraise.c
 * calc_file_id_hash(); include/uapi/linux/ima.h):
 *
 *   struct ima_file_id {
 *       __u8 hash_type;       // xattr type: IMA_VERITY_DIGSIG (0x06), or 0x03 for sigv3 on regular digests
 *       __u8 hash_algorithm;  // enum hash_algo
 *       __u8 hash[digest size];
 *   } __packed;
 *
 * The signature covers H_algo(ima_file_id), not the file digest itself, so a
 * digest can never be confused with one of another type or algorithm.
 */
import { createHash } from 'node:crypto';
import type { HashAlgo } from './hash-algo.js';

export function fileIdDigest(hashType: number, algo: HashAlgo, digest: Uint8Array): Buffer {
  return createHash(algo.node!).update(Buffer.from([hashType, algo.id])).update(digest).digest();
}
