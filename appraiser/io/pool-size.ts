/**
 * How many worker threads a run over local files gets, and how the files are
 * cut into shards (appraise-local-files.ts). Kept apart and light so a CLI
 * can decide, and start the threads, before loading the appraiser itself.
 *
 * A worker costs tens of milliseconds to start (a new isolate, the appraiser
 * modules, the keyring): more than appraising a few hundred small files, less
 * than hashing 64 MiB. So: no thread for fewer than POOL_MIN_FILES files
 * unless a few of them are large; then up to one per other CPU (the calling
 * thread works too).
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export const POOL_MIN_FILES = 1000;
/** A few files this large in total are worth threads too. */
export const POOL_MIN_BYTES = 64 << 20;
const FEW_FILES = 64;
const MAX_SHARD = 64;

/**
 * Worker threads for these files: up to one per other CPU when there are at
 * least POOL_MIN_FILES of them, or a few (2..64) holding POOL_MIN_BYTES in
 * all (stat()ed here: a few stats cost microseconds); else none.
 */
export function plannedWorkers(files: readonly string[]): number {
  const cpus = Math.max(1, availableParallelism() - 1);
  if (files.length >= POOL_MIN_FILES) return Math.min(cpus, Math.floor(files.length / POOL_MIN_FILES));
  if (files.length < 2 || files.length > FEW_FILES) return 0;
  let bytes = 0;
  for (const f of files) {
    try { bytes += statSync(f).size; } catch { /* appraising it will report why */ }
  }
  return bytes >= POOL_MIN_BYTES ? Math.min(cpus, files.length - 1) : 0;
}

/**
 * Threads and shard size for `fileCount` files when `wanted` threads are
 * asked for: about 4 shards per thread so the last ones balance (a few large
 * files: one per shard), at most 64 files per shard, and no more threads than
 * there are shards for them.
 */
export function poolPlan(fileCount: number, wanted: number, mainThreadWorks = true, shardSize?: number): { threads: number; shard: number } {
  const w = Math.max(0, Math.floor(wanted));
  const shard = Math.max(1, shardSize ?? Math.min(MAX_SHARD, Math.ceil(fileCount / ((w + 1) * 4))));
  return { threads: Math.max(0, Math.min(w, Math.ceil(fileCount / shard) - (mainThreadWorks ? 1 : 0))), shard };
}
