/**
 * The mount's file system, as plain async methods that the FUSE adapter calls
 * and tests call directly. Read-only: anything that would write is EROFS.
 * Metadata comes from NFS through the short attribute cache; file content only
 * through the open pipeline and the verified-content cache.
 */
import { constants, readSync } from 'node:fs';
import type { AttrCache } from './attr-cache.js';
import type { CachedObject } from './content-cache.js';
import { FsErrno } from './errno-map.js';
import { toFuseStat, type FuseStat } from './fuse-stat.js';
import type { OpenPipeline } from './open-pipeline.js';
import { remotePath, type RemoteTree } from './remote-tree.js';
import type { ServedVersions } from './served-versions.js';

const { O_RDONLY, O_TRUNC, W_OK, R_OK, X_OK } = constants;
/** Linux O_ACCMODE (node:fs does not export it). */
const O_ACCMODE = 3;
/** Linux passes __FMODE_EXEC in the open flags of an execve (fs/exec.c do_open_execat). */
export const FMODE_EXEC = 0x20;
/** ACCESS4 bits (RFC 8881 §18.1). */
const ACCESS4_READ = 0x01;
const ACCESS4_LOOKUP = 0x02;
const ACCESS4_EXECUTE = 0x20;

interface Handle {
  obj: CachedObject;
  /** The FUSE path it was opened by: the page cache it feeds is that path's. */
  path: string;
  contentId: string;
}

export interface StatFs {
  bsize: number;
  frsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  favail: number;
  fsid: number;
  flag: number;
  namemax: number;
}

export class AppraisingFs {
  private readonly handles = new Map<number, Handle>();
  private nextFh = 1;

  constructor(
    private readonly tree: RemoteTree,
    private readonly attrs: AttrCache,
    private readonly pipeline: OpenPipeline,
    private readonly served: ServedVersions,
  ) {}

  get openHandles(): number {
    return this.handles.size;
  }

  async getattr(path: string): Promise<FuseStat> {
    const s = await this.attrs.stat(remotePath(path));
    return toFuseStat(s, s.type === 'file' ? this.served.mtimeMsFor(s, path) : undefined);
  }

  /**
   * getattr answered from fresh cached attributes, without a promise, or
   * undefined for the async path. libfuse's auto_cache asks right after every
   * open, whose fresh attributes are in the cache by then.
   */
  getattrNow(path: string): FuseStat | undefined {
    const s = this.attrs.peekStat(remotePath(path));
    return s && toFuseStat(s, s.type === 'file' ? this.served.mtimeMsFor(s, path) : undefined);
  }

  async readdir(path: string): Promise<string[]> {
    const entries = await this.attrs.readdir(remotePath(path));
    return ['.', '..', ...entries.map((e) => e.name)];
  }

  async readlink(path: string): Promise<string> {
    return await this.attrs.readlink(remotePath(path));
  }

  /** access(2): F_OK from attributes, W_OK is EROFS, R_OK/X_OK asked of the server (NFS ACCESS). */
  async access(path: string, mode: number): Promise<void> {
    const rpath = remotePath(path);
    const s = await this.attrs.stat(rpath);
    if (mode & W_OK) throw new FsErrno('EROFS');
    let want = 0;
    if (mode & R_OK) want |= ACCESS4_READ;
    if (mode & X_OK) want |= s.type === 'directory' ? ACCESS4_LOOKUP : ACCESS4_EXECUTE;
    if (want === 0) return;
    const granted = await this.tree.access(rpath, want);
    const bits = typeof granted === 'number' ? granted : (granted as { access?: number })?.access;
    if (typeof bits === 'number' && (bits & want) !== want) throw new FsErrno('EACCES');
  }

  /** open(2): appraise before the first byte; exec when the kernel says so. */
  async open(path: string, flags: number): Promise<number> {
    if ((flags & O_ACCMODE) !== O_RDONLY || flags & O_TRUNC) throw new FsErrno('EROFS');
    const access = flags & FMODE_EXEC ? 'exec' : 'read';
    const opened = await this.pipeline.open(path, access);
    let fh = this.nextFh;
    while (this.handles.has(fh)) fh = fh >= 0x7fffffff ? 1 : fh + 1;
    this.nextFh = fh >= 0x7fffffff ? 1 : fh + 1;
    this.handles.set(fh, { obj: opened.obj, path, contentId: opened.contentId });
    return fh;
  }

  /**
   * Reads from the verified copy only. A handle whose file has since been opened
   * at a newer version is refused. Synchronous: the object was written moments
   * ago and sits in the page cache, so a read costs tens of microseconds, less
   * than a thread-pool round trip (this is the hot path of every cold read).
   */
  readSync(fh: number, buf: Buffer, len: number, pos: number): number {
    const h = this.handles.get(fh);
    if (!h) throw new FsErrno('EBADF');
    if (this.served.current(h.path) !== h.contentId) throw new FsErrno('ESTALE', 'a newer version of this file was opened');
    const n = Math.max(0, Math.min(len, h.obj.size - pos));
    return n === 0 ? 0 : readSync(h.obj.fd, buf, 0, n, pos);
  }

  /** release without waiting: unpinning the cached object is synchronous work. */
  releaseNow(fh: number): void {
    const h = this.handles.get(fh);
    if (!h) return;
    this.handles.delete(fh);
    h.obj.releaseNow();
  }

  async release(fh: number): Promise<void> {
    const h = this.handles.get(fh);
    if (!h) return;
    this.handles.delete(fh);
    await h.obj.release();
  }

  statfs(): StatFs {
    return { bsize: 4096, frsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, favail: 0, fsid: 0, flag: 1 /* ST_RDONLY */, namemax: 255 };
  }

  /** Drops every open handle (unmount). */
  async closeAll(): Promise<void> {
    const all = [...this.handles.keys()];
    await Promise.all(all.map((fh) => this.release(fh)));
  }
}
