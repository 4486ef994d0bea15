/**
 * Measure a local file: read it in 1 MiB chunks into one reused buffer and
 * feed a streaming node:crypto hash, so memory stays flat for any file size.
 */
import { open } from 'node:fs/promises';
import { createMeasurer } from '../core/measurer.js';
import type { HashAlgo } from '../core/hash-algo.js';

const CHUNK = 1 << 20;

export async function measureFile(path: string, algo: HashAlgo | string | number, chunkSize = CHUNK): Promise<Buffer> {
  const m = createMeasurer(algo);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkSize);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) break;
      m.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return m.digest();
}
