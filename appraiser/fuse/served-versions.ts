/**
 * Keeps the kernel page cache honest. libfuse's auto_cache keeps a file's
 * cached pages at open only when the (mtime, size) it sees right after the open
 * equal those it saw before; otherwise the kernel drops the pages (no
 * FOPEN_KEEP_CACHE). We report a file's mtime from here, so a different
 * served content always looks different to libfuse: when the content served at
 * an open differs from the content served at the previous open but the server
 * kept the same mtime (to the millisecond FUSE gets) and size, the reported
 * mtime is moved 1 ms forward. Warm re-reads of unchanged content stay in the
 * page cache; a new version is never read from pages of an old one.
 *
 * It also names the current content per file, so handles opened on an older
 * version can be refused (their reads would put old pages in the shared cache).
 */
import { msOf } from './fuse-stat.js';
import type { RemoteStat } from './remote-tree.js';

/**
 * Keyed by the FUSE path when the caller gives one: libfuse (high-level API)
 * keeps one node, hence one kernel inode and page cache, per path. A file
 * replaced on the server by another (rename over it: new fileid, possibly the
 * same mtime and size) is then still compared with what this path served
 * last. Without a path the fileid is the key.
 */
type Key = string | bigint;

interface Served {
  contentId: string;
  fileid: bigint;
  change: bigint;
  size: number;
  mtimeMs: number;
}

export class ServedVersions {
  private readonly byKey = new Map<Key, Served>();

  /** Records what an open serves; returns the mtime (ms) to report for it. */
  noteOpen(stat: RemoteStat, contentId: string, key: Key = stat.fileid): number {
    const prev = this.byKey.get(key);
    let mtimeMs = msOf(stat.mtime);
    if (prev && prev.contentId === contentId && prev.size === stat.size) {
      if (prev.change === stat.change && prev.fileid === stat.fileid) return prev.mtimeMs;
    } else if (prev && prev.mtimeMs === mtimeMs && prev.size === stat.size && prev.contentId !== contentId) {
      mtimeMs = prev.mtimeMs + 1;
    }
    this.byKey.set(key, { contentId, fileid: stat.fileid, change: stat.change, size: stat.size, mtimeMs });
    return mtimeMs;
  }

  /** The mtime (ms) getattr reports for these attributes. */
  mtimeMsFor(stat: RemoteStat, key: Key = stat.fileid): number {
    const s = this.byKey.get(key);
    if (s && s.fileid === stat.fileid && s.change === stat.change && s.size === stat.size) return s.mtimeMs;
    return msOf(stat.mtime);
  }

  /** The content id the latest open of this file (path) serves. */
  current(key: Key): string | undefined {
    return this.byKey.get(key)?.contentId;
  }
}
