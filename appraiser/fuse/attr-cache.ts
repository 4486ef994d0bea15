/**
 * A short-lived cache of NFS attributes, directory listings and link targets,
 * so `ls -l`, `find` and path walks do not cost one GETATTR per call. Entries
 * live `ttlMs` (the same value is given to the kernel as attr/entry timeout);
 * concurrent misses share one request. Opens never trust it: they read fresh
 * attributes and put them back here.
 */
import type { RemoteDirEntry, RemoteStat, RemoteTree } from './remote-tree.js';

interface Slot<T> {
  at: number;
  value: Promise<T>;
  /** The value once known, for synchronous hits (the FUSE getattr after every open). */
  settled?: T;
}

export class AttrCache {
  private readonly stats = new Map<string, Slot<RemoteStat>>();
  private readonly dirs = new Map<string, Slot<RemoteDirEntry[]>>();
  private readonly links = new Map<string, Slot<string>>();

  constructor(
    private readonly tree: RemoteTree,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 100_000,
  ) {}

  private get<T>(map: Map<string, Slot<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const t = this.now();
    const hit = map.get(key);
    if (hit && t - hit.at < this.ttlMs) return hit.value;
    if (map.size >= this.maxEntries) map.clear();
    const value = load();
    const slot: Slot<T> = { at: t, value };
    map.set(key, slot);
    // Failures are not cached: the next call asks the server again.
    value.then((v) => { slot.settled = v; }, () => {
      if (map.get(key) === slot) map.delete(key);
    });
    return value;
  }

  /** Fresh cached attributes without waiting, or undefined (miss, expired or still loading). */
  peekStat(path: string): RemoteStat | undefined {
    const hit = this.stats.get(path);
    return hit && this.now() - hit.at < this.ttlMs ? hit.settled : undefined;
  }

  stat(path: string): Promise<RemoteStat> {
    return this.get(this.stats, path, () => this.tree.stat(path));
  }

  readdir(path: string): Promise<RemoteDirEntry[]> {
    return this.get(this.dirs, path, async () => {
      const entries = await this.tree.readdir(path);
      const t = this.now();
      for (const e of entries) {
        if (e.stat) this.stats.set(path === '' ? e.name : `${path}/${e.name}`, { at: t, value: Promise.resolve(e.stat), settled: e.stat });
      }
      return entries;
    });
  }

  readlink(path: string): Promise<string> {
    return this.get(this.links, path, () => this.tree.readlink(path));
  }

  /** Fresh attributes seen by an open replace the cached ones. */
  put(path: string, stat: RemoteStat): void {
    this.stats.set(path, { at: this.now(), value: Promise.resolve(stat), settled: stat });
  }
}
