/**
 * fs-verity file digests, computed from the content as it streams, so type
 * 0x06 IMA values (IMA_VERITY_DIGSIG) can be checked on files that are not on
 * an fs-verity filesystem (e.g. read over NFS). Linux
 * Documentation/filesystems/fsverity.rst, fs/verity/enable.c build_merkle_tree(),
 * include/uapi/linux/fsverity.h; parameters are the defaults of
 * `fsverity digest` / `fsverity sign`: 4096-byte blocks, no salt.
 *
 * Merkle tree: every data block (the last one zero-padded) is hashed; the
 * hashes are packed into 4096-byte blocks (zero-padded), which are hashed
 * again, level by level, until one hash remains: the root hash. An empty
 * file's root hash is all zeros. The file digest is the hash of:
 *
 *   struct fsverity_descriptor {      // 256 bytes
 *       __u8 version;                 // 1
 *       __u8 hash_algorithm;          // FS_VERITY_HASH_ALG_SHA256 = 1, _SHA512 = 2
 *       __u8 log_blocksize;           // 12
 *       __u8 salt_size;               // 0
 *       __le32 __reserved_0x04;
 *       __le64 data_size;
 *       __u8 root_hash[64];           // zero-padded
 *       __u8 salt[32];
 *       __u8 __reserved[144];
 *   };
 */
import { createHash } from 'node:crypto';
import type { HashAlgo } from './hash-algo.js';
import type { Measurer } from './measurer.js';

const LOG_BLOCK = 12;
const BLOCK = 1 << LOG_BLOCK;
const FSVERITY_ALG: Record<string, number> = { sha256: 1, sha512: 2 };

export function fsverityAlgoSupported(algo: HashAlgo): boolean {
  return algo.name in FSVERITY_ALG;
}

class VerityMeasurer implements Measurer {
  readonly algo: HashAlgo;
  length = 0;
  private readonly block = Buffer.alloc(BLOCK);
  private filled = 0;
  /** Pending hash blocks per tree level. */
  private readonly levels: Array<{ buf: Buffer; filled: number }> = [];
  private dataBlocks = 0;

  constructor(algo: HashAlgo) {
    if (!fsverityAlgoSupported(algo)) throw new RangeError(`fs-verity supports sha256 and sha512, not ${algo.name}`);
    this.algo = algo;
  }

  private hashBlock(b: Buffer): Buffer {
    return createHash(this.algo.node!).update(b).digest();
  }

  /** Add a hash to `level`, hashing that level's block upwards when it is full. */
  private push(level: number, h: Buffer): void {
    this.levels[level] ??= { buf: Buffer.alloc(BLOCK), filled: 0 };
    const l = this.levels[level];
    h.copy(l.buf, l.filled);
    l.filled += h.length;
    if (l.filled + this.algo.size > BLOCK) {
      const up = this.hashBlock(l.buf);
      l.buf.fill(0);
      l.filled = 0;
      this.push(level + 1, up);
    }
  }

  private flushDataBlock(): void {
    this.block.fill(0, this.filled);
    this.dataBlocks++;
    this.push(0, this.hashBlock(this.block));
    this.filled = 0;
  }

  update(chunk: Uint8Array): this {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(BLOCK - this.filled, chunk.length - off);
      this.block.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === BLOCK) this.flushDataBlock();
    }
    this.length += chunk.length;
    return this;
  }

  private rootHash(): Buffer {
    if (this.length === 0) return Buffer.alloc(this.algo.size);
    if (this.filled > 0) this.flushDataBlock();
    // Levels the kernel builds for this many blocks (fsverity_init_merkle_tree_params()).
    const perBlock = BLOCK / this.algo.size;
    let numLevels = 0;
    for (let blocks = this.dataBlocks; blocks > 1; blocks = Math.ceil(blocks / perBlock)) numLevels++;
    for (let level = 0; level < numLevels; level++) {
      const l = this.levels[level];
      if (l && l.filled > 0) {
        const up = this.hashBlock(l.buf);
        l.filled = 0;
        this.levels[level + 1] ??= { buf: Buffer.alloc(BLOCK), filled: 0 };
        const n = this.levels[level + 1];
        up.copy(n.buf, n.filled);
        n.filled += up.length;
      }
    }
    return this.levels[numLevels].buf.subarray(0, this.algo.size);
  }

  digest(): Buffer {
    const desc = Buffer.alloc(256);
    desc[0] = 1;
    desc[1] = FSVERITY_ALG[this.algo.name];
    desc[2] = LOG_BLOCK;
    desc.writeBigUInt64LE(BigInt(this.length), 8);
    this.rootHash().copy(desc, 16);
    return this.hashBlock(desc);
  }
}

/** Streaming fs-verity file digest with sha256 or sha512 (RangeError for others). */
export function createVerityMeasurer(algo: HashAlgo): Measurer {
  return new VerityMeasurer(algo);
}
