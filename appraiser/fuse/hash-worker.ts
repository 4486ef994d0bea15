/**
 * The hashing thread (a worker_threads Worker started by range-hasher.ts).
 * It hashes byte ranges of cache files that the JS thread has finished
 * writing, reading them back by descriptor (workers share the process's
 * descriptor table). Messages of one job arrive in order; after the reply to
 * 'end' or 'drop' the descriptor is never touched again, so the JS thread may
 * close it then.
 */
import { createHash, type Hash } from 'node:crypto';
import { readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { HashReply, HashRequest } from './range-hasher.js';

interface Job {
  fd: number;
  hashes: Hash[];
  /** Bytes hashed so far; ranges must be contiguous. */
  next: number;
  error?: string;
}

const jobs = new Map<number, Job>();
const buf = Buffer.allocUnsafe(1 << 20);
const port = parentPort!;

function hashRange(j: Job, pos: number, len: number): void {
  if (pos !== j.next) throw new Error(`range at ${pos} does not follow ${j.next}`);
  const end = pos + len;
  while (j.next < end) {
    const n = readSync(j.fd, buf, 0, Math.min(buf.length, end - j.next), j.next);
    if (n === 0) throw new Error(`cache file ended at ${j.next} of ${end}`);
    const piece = buf.subarray(0, n);
    for (const h of j.hashes) h.update(piece);
    j.next += n;
  }
}

port.on('message', (m: HashRequest) => {
  const reply = (r: HashReply): void => port.postMessage(r);
  if (m.op === 'start') {
    try {
      jobs.set(m.id, { fd: m.fd, hashes: m.algos.map((a) => createHash(a)), next: 0 });
    } catch (err) {
      jobs.set(m.id, { fd: -1, hashes: [], next: 0, error: (err as Error).message });
    }
    return;
  }
  const j = jobs.get(m.id);
  if (!j) return reply({ id: m.id, error: 'unknown hash job' });
  if (m.op === 'data') {
    if (j.error) return;
    try {
      hashRange(j, m.pos, m.len);
    } catch (err) {
      j.error = (err as Error).message;
    }
    return;
  }
  jobs.delete(m.id);
  if (m.op === 'drop') return reply({ id: m.id });
  if (j.error) return reply({ id: m.id, error: j.error });
  reply({ id: m.id, digests: j.hashes.map((h) => h.digest()) });
});
