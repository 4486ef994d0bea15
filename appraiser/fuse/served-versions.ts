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

interface Served {
  contentId: string;
  change: bigint;
  size: number;
  mtimeMs: number;
}

export class ServedVersions {
  private readonly byFile = new Map<bigint, Served>();

  /** Records what an open serves; returns the mtime (ms) to report for it. */
  noteOpen(stat: RemoteStat, contentId: string): number {
    const prev = this.byFile.get(stat.fileid);
    let mtimeMs = msOf(stat.mtime);
    if (prev && prev.contentId === contentId && prev.size === stat.size) {
      if (prev.change === stat.change) return prev.mtimeMs;
    } else if (prev && prev.mtimeMs === mtimeMs && prev.size === stat.size && prev.contentId !== contentId) {
      mtimeMs = prev.mtimeMs + 1;
    }
    this.byFile.set(stat.fileid, { contentId, change: stat.change, size: stat.size, mtimeMs });
    return mtimeMs;
  }

  /** The mtime (ms) getattr reports for these attributes. */
  mtimeMsFor(stat: RemoteStat): number {
    const s = this.byFile.get(stat.fileid);
    if (s && s.change === stat.change && s.size === stat.size) return s.mtimeMs;
    return msOf(stat.mtime);
  }

  /** The content id the latest open of this file serves. */
  current(fileid: bigint): string | undefined {
    return this.byFile.get(fileid)?.contentId;
  }
}
