/**
 * Streaming measurement: a node:crypto hash over exactly the bytes that are
 * served, fed chunk by chunk so a large file is never held in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { ImafsAppraiserError } from '../errors.js';
import { hashAlgoByName, hashAlgoById, type HashAlgo } from './hash-algo.js';

export interface Measurer {
  readonly algo: HashAlgo;
  /** Bytes hashed so far. */
  readonly length: number;
  update(chunk: Uint8Array): this;
  /** Finish and return the digest; the measurer cannot be updated afterwards. */
  digest(): Buffer;
}

export function resolveHashAlgo(algo: HashAlgo | string | number): HashAlgo {
  const a = typeof algo === 'string' ? hashAlgoByName(algo) : typeof algo === 'number' ? hashAlgoById(algo) : algo;
  if (!a) throw new ImafsAppraiserError('IMAFS_CONFIG', `unknown hash algorithm ${String(algo)}`);
  if (!a.node) throw new ImafsAppraiserError('IMAFS_CONFIG', `hash algorithm ${a.name} is not available in this Node.js/OpenSSL build`);
  return a;
}

class NodeMeasurer implements Measurer {
  readonly algo: HashAlgo;
  length = 0;
  private readonly h: Hash;
  constructor(algo: HashAlgo) {
    this.algo = algo;
    this.h = createHash(algo.node!);
  }
  update(chunk: Uint8Array): this {
    this.h.update(chunk);
    this.length += chunk.length;
    return this;
  }
  digest(): Buffer {
    return this.h.digest();
  }
}

/** A streaming hash for `algo` (a HashAlgo, kernel name or kernel number). Throws IMAFS_CONFIG if unavailable. */
export function createMeasurer(algo: HashAlgo | string | number): Measurer {
  return new NodeMeasurer(resolveHashAlgo(algo));
}

/** One-shot digest of a buffer. */
export function measureBuffer(algo: HashAlgo | string | number, data: Uint8Array): Buffer {
  return createMeasurer(algo).update(data).digest();
}
