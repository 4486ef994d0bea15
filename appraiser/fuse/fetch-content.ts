/**
 * Fetch one file into the content cache exactly once, measuring while the
 * bytes arrive: pipelined READs stream in, every chunk is hashed (SHA-256 for
 * the cache name, plus the blob's own algorithm for appraisal) and written to
 * a cache temp file, so the file is never held in memory and hashing overlaps
 * the transfer. Big files are hashed on the hashing thread from the same
 * memory their bytes are written from (range-hasher.ts); small ones here.
 *
 * The change attribute and size are read before the IMA value and again after
 * the last byte. If they differ, or the byte count does not match, the file
 * changed during the fetch: the bytes are dropped and the fetch starts over, at
 * most `maxAttempts` times, then the open is refused. A mixed copy is never kept.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { debuglog } from 'node:util';
import type { ContentCache } from './content-cache.js';
import { MountError } from './mount-error.js';
import { hashRanges } from './range-hasher.js';
import type { RemoteStat, RemoteTree } from './remote-tree.js';

const debug = debuglog('imafs:fuse:fetch');

export interface Measured {
  algo: string;
  digest: Buffer;
}

export interface FetchedContent {
  /** SHA-256 of the content, hex: the cache object name. */
  contentId: string;
  size: number;
  /** Attributes read after the last byte (equal in change and size to those read before). */
  stat: RemoteStat;
  /** The IMA value read inside the same window; null when not asked or the server lacks FATTR4_IMA. */
  blob: Buffer | null;
  /** Digest with the algorithm the blob names (SHA-256 when none). */
  measured: Measured;
  attempts: number;
  /** Keep the bytes in the cache (allowed) or drop them (denied). */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export interface FetchOptions {
  tree: RemoteTree;
  path: string;
  cache: ContentCache;
  /** Read FATTR4_IMA in the same window (false under --policy disabled). */
  wantIma: boolean;
  /** Hash to appraise with for this blob: a node:crypto name, or null for SHA-256 only. */
  digestAlgoFor(blob: Buffer | null): { algo: string; node: string } | null;
  maxAttempts?: number;
  /** Files at least this big are hashed by the hashing thread (default 4 MiB). */
  offloadMinBytes?: number;
}

const OFFLOAD_MIN_BYTES = 4 * 1024 * 1024;
/** Cache writes in flight during a fetch (each holds one READ buffer). */
const WRITES_IN_FLIGHT = 4;

const sameVersion = (a: RemoteStat, b: RemoteStat): boolean => a.change === b.change && a.size === b.size && a.fileid === b.fileid;

export async function fetchContent(o: FetchOptions): Promise<FetchedContent> {
  const maxAttempts = o.maxAttempts ?? 3;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const before = await o.tree.stat(o.path);
    if (before.type !== 'file') throw new MountError('IMAFS_CONFIG', `${o.path} is not a regular file`);
    const blob = o.wantIma ? await o.tree.getIma(o.path) : null;
    const appraiseAlgo = o.digestAlgoFor(blob);
    const writer = await o.cache.reserve(before.size);
    const algos = appraiseAlgo && appraiseAlgo.node !== 'sha256' ? ['sha256', appraiseAlgo.node] : ['sha256'];
    // Big files are hashed by the hashing thread, from the very memory each
    // piece is written to the cache file from (range-hasher.ts); small ones
    // here, where a thread round trip would cost more than the hash.
    const ranges = before.size >= (o.offloadMinBytes ?? OFFLOAD_MIN_BYTES) ? hashRanges(algos) : null;
    const inline = ranges ? [] : algos.map((a) => createHash(a));
    if (ranges) debug('%s: %d bytes, hashed (%s) on the hashing thread', o.path, before.size, algos.join('+'));
    let total = 0;
    let overran = false;
    let digests: Buffer[];
    const t0 = performance.now();
    try {
      try {
        // The client's own iterator when it has one: no stream buffering in
        // between, and each chunk goes back to the client's buffer pool once it
        // is hashed and written (no allocation, no GC per 1 MiB READ).
        const chunks: AsyncIterable<Buffer> = o.tree.read ? o.tree.read(o.path) : o.tree.createReadStream(o.path);
        const it = chunks[Symbol.asyncIterator]();
        // Cache writes run on the thread pool, a few at a time, so receiving
        // the next READ reply never waits for the disk. Small files: a chunk
        // goes back to the client's pool once its write has completed. Big
        // files: a chunk is copied into the hashing ring at once and goes back
        // right away; the ring's slots are written and hashed (range-hasher.ts).
        const pending: Array<{ chunk: Buffer; done: Promise<void> }> = [];
        const settleOldest = async (): Promise<void> => {
          const w = pending.shift()!;
          await w.done;
          o.tree.recycle?.(w.chunk);
        };
        try {
          for (let r = await it.next(); !r.done; r = await it.next()) {
            const chunk = r.value;
            const pos = total;
            total += chunk.length;
            if (total > before.size) {
              overran = true;
              break;
            }
            if (ranges) {
              await ranges.add(chunk, (bytes, off) => writer.write(bytes, pos + off));
              o.tree.recycle?.(chunk);
              continue;
            }
            const done = writer.write(chunk, pos);
            done.catch(() => undefined); // awaited in settleOldest; not unhandled meanwhile
            pending.push({ chunk, done });
            // Small files: hashed here, in order, while the write runs (both only read the chunk).
            for (const h of inline) h.update(chunk);
            while (pending.length >= WRITES_IN_FLIGHT) await settleOldest();
          }
          while (pending.length > 0) await settleOldest();
          await ranges?.flush();
        } finally {
          // No write may still be running when the file is closed (abort or commit).
          await Promise.allSettled(pending.map((w) => w.done));
          if (ranges) await ranges.flush().catch(() => undefined);
          // Ends the READs (and CLOSEs) when we stopped early; its errors cannot matter then.
          await it.return?.().catch(() => undefined);
          if (!o.tree.read) (chunks as Readable).destroy();
        }
      } catch (err) {
        await ranges?.drop();
        throw err;
      }
      const after = await o.tree.stat(o.path).catch(async (err) => {
        await ranges?.drop();
        throw err;
      });
      if (overran || total !== before.size || !sameVersion(before, after)) {
        debug('%s changed during fetch (attempt %d): %d bytes, change %s -> %s', o.path, attempt, total, before.change, after.change);
        await ranges?.drop();
        await writer.abort();
        continue;
      }
      const tReceived = performance.now();
      digests = ranges ? await ranges.digests() : inline.map((h) => h.digest());
      debug('%s: %d bytes received and written in %d ms, digests %d ms later', o.path, total, Math.round(tReceived - t0), Math.round(performance.now() - tReceived));
      const digest = digests[0];
      const contentId = digest.toString('hex');
      let settled = false;
      return {
        contentId,
        size: total,
        stat: after,
        blob,
        measured: digests.length > 1 ? { algo: appraiseAlgo!.algo, digest: digests[1] } : { algo: appraiseAlgo?.algo ?? 'sha256', digest },
        attempts: attempt,
        commit: async () => {
          if (settled) return;
          settled = true;
          await writer.commit(contentId);
        },
        discard: async () => {
          if (settled) return;
          settled = true;
          await writer.abort();
        },
      };
    } catch (err) {
      await writer.abort();
      throw err;
    }
  }
  throw new MountError('IMAFS_CONTENT_CHANGING', `${o.path} changed on the server during each of ${maxAttempts} fetches`);
}
