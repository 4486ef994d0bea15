/**
 * Measure a local file with a streaming node:crypto hash; memory stays flat for
 * any size. Small files are read in one call into a right-sized buffer; large
 * ones with two 1 MiB buffers so the next read (libuv thread) overlaps hashing
 * the current chunk (main thread). measureFileSync is the same for callers
 * that do many small local files (the CLI), where a thread-pool hop per
 * syscall would dominate.
 */
import { open } from 'node:fs/promises';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createMeasurer, type Measurer } from '../core/measurer.js';
import type { HashAlgo } from '../core/hash-algo.js';

const CHUNK = 1 << 20;

function isMeasurer(x: unknown): x is Measurer {
  return typeof x === 'object' && x !== null && typeof (x as Measurer).update === 'function';
}

/** `algo` names a plain hash, or pass a Measurer (e.g. createBlobMeasurer(blob)) to feed. */
export async function measureFile(path: string, algo: HashAlgo | string | number | Measurer, chunkSize = CHUNK): Promise<Buffer> {
  const m = isMeasurer(algo) ? algo : createMeasurer(algo);
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    // One spare byte: a file read to a short count then EOF needs no second buffer.
    const bufs = size + 1 <= chunkSize ? [Buffer.allocUnsafe(size + 1)] : [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let i = 0;
    let pending = fh.read(bufs[0], 0, bufs[0].length, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const done = bufs[i];
      i = (i + 1) % bufs.length;
      if (bufs.length === 1) {
        m.update(done.subarray(0, bytesRead)); // hash before the buffer is reused
        pending = fh.read(done, 0, done.length, null);
      } else {
        pending = fh.read(bufs[i], 0, bufs[i].length, null); // overlaps the hash below
        m.update(done.subarray(0, bytesRead));
      }
    }
  } finally {
    await fh.close();
  }
  return m.digest();
}

/**
 * `sizeHint` (a size stat() just gave) only sizes the buffer and saves an
 * fstat; the file is read to EOF regardless. A read that returns fewer bytes
 * than asked for, and exactly the expected size, is that EOF (a regular
 * file's short read): the confirming read(2) of 0 bytes is skipped, which is
 * about 1 us of a 1 KiB file's ~15 us. A file that grew meanwhile fills the
 * spare byte and is read on.
 */
export function measureFileSync(path: string, algo: HashAlgo | string | number | Measurer, chunkSize = CHUNK, sizeHint?: number): Buffer {
  const m = isMeasurer(algo) ? algo : createMeasurer(algo);
  const fd = openSync(path, 'r');
  try {
    const size = sizeHint ?? fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(size + 1, chunkSize)));
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      m.update(buf.subarray(0, n));
      total += n;
      if (n < buf.length && total === size) break;
    }
  } finally {
    closeSync(fd);
  }
  return m.digest();
}
