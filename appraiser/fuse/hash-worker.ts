/**
 * The hashing thread (a worker_threads Worker started by range-hasher.ts).
 * It hashes the slots of a job's shared ring in the order the JS thread hands
 * them over (file order), and answers each with `hashed` so the slot can be
 * reused; it never writes to the ring. After the reply to 'end' or 'drop' it
 * never touches that job's ring again.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { HashReply, HashRequest } from './range-hasher.js';

interface Job {
  ring: SharedArrayBuffer;
  slotSize: number;
  hashes: Hash[];
  error?: string;
}

const jobs = new Map<number, Job>();
const port = parentPort!;

port.on('message', (m: HashRequest) => {
  const reply = (r: HashReply): void => port.postMessage(r);
  if (m.op === 'ping') return reply({ id: m.id });
  if (m.op === 'start') {
    try {
      jobs.set(m.id, { ring: m.ring, slotSize: m.slotSize, hashes: m.algos.map((a) => createHash(a)) });
    } catch (err) {
      jobs.set(m.id, { ring: m.ring, slotSize: m.slotSize, hashes: [], error: (err as Error).message });
    }
    return;
  }
  const j = jobs.get(m.id);
  if (!j) return reply({ id: m.id, error: 'unknown hash job' });
  if (m.op === 'data') {
    // Always answered, even after an error: the JS thread waits for its slot.
    if (!j.error) {
      try {
        if (m.len > j.slotSize || m.slot < 0 || (m.slot + 1) * j.slotSize > j.ring.byteLength) throw new Error(`bad slot ${m.slot}/${m.len}`);
        const piece = new Uint8Array(j.ring, m.slot * j.slotSize, m.len);
        for (const h of j.hashes) h.update(piece);
      } catch (err) {
        j.error = (err as Error).message;
      }
    }
    return reply({ id: m.id, hashed: m.slot });
  }
  jobs.delete(m.id);
  if (m.op === 'drop') return reply({ id: m.id });
  if (j.error) return reply({ id: m.id, error: j.error });
  reply({ id: m.id, digests: j.hashes.map((h) => h.digest()) });
});
