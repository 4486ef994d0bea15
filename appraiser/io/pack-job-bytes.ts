import type { AppraisalJob } from './appraisal-pool.js';

/**
 * The jobs with their blobs and digests copied into one ArrayBuffer of their
 * own, for a batch about to be sent. Structured clone copies a view's whole
 * backing store: a blob that is a view into a 128 KiB READDIR reply, or a
 * digest in Buffer's shared 8 KiB slab, would send that much per job; one
 * exact-sized store per message sends only the bytes, once.
 */
export function packJobBytes<J extends AppraisalJob>(jobs: readonly J[]): J[] {
  let total = 0;
  for (const j of jobs) total += (j.blob?.length ?? 0) + (j.digest?.length ?? 0);
  const store = Buffer.allocUnsafeSlow(total);
  let at = 0;
  const view = (u: Uint8Array | null): Uint8Array | null => {
    if (!u) return null;
    store.set(u, at);
    at += u.length;
    return store.subarray(at - u.length, at);
  };
  return jobs.map((j) => ({ ...j, blob: view(j.blob), digest: view(j.digest) }));
}
