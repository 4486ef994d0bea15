/**
 * The exported directory as a tree of inodes reachable only from its root.
 *
 * Every node is identified by (dev, ino, birth time) and reached by a path the
 * server built itself, one validated component at a time, from the export
 * root: a client never supplies a path, only names within a directory it
 * already holds. Before any use, the node's path is lstat'ed again and must
 * still be the same inode, so renames, `..` tricks or a directory swapped for
 * a symlink make the handle STALE instead of leading outside the export.
 * Symbolic links are never followed by the server (LOOKUP returns the link
 * itself, READLINK its text).
 */
import { constants as fsc, lstatSync, promises as fsp, realpathSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import type { MaybePromise } from '../compound/maybe-async.js';
import { FileHandleCodec, inodeKey, type InodeId } from './file-handle.js';
import { FsError, fsErrorFrom } from './fs-error.js';
import { trustsCtime } from './ima-cache.js';

const debug = util.debuglog('imafs:server');

/** RFC 8881 §5.8.2.22 maxname: the longest name we accept in one component. */
export const MAX_NAME = 255;
/** Handles of inodes not seen in this run are searched for in at most this many entries. */
const SCAN_LIMIT = 200_000;

export interface FsNode {
  readonly id: InodeId;
  readonly key: string;
  /** Path relative to the export root, '' for the root itself. */
  readonly rel: string;
  readonly abs: string;
  readonly st: BigIntStats;
  /**
   * The handle, MACed on first use: most LOOKUPs and PUTROOTFHs are never
   * followed by GETFH or a FILEHANDLE attribute, and a MAC costs more than the
   * lstat. Shared, never to be modified.
   */
  readonly fh: Buffer;
}

/**
 * A class rather than an object literal with a getter: a literal's accessor
 * is a new closure per node, and READDIR makes one node per entry.
 */
class Node implements FsNode {
  private memo: Buffer | undefined;

  constructor(
    readonly id: InodeId,
    readonly key: string,
    readonly rel: string,
    readonly abs: string,
    readonly st: BigIntStats,
    private readonly handles: FileHandleCodec,
    /** The handle, when known: a buffer of the codec's own (never one that points into a wire buffer). */
    fh?: Buffer,
  ) {
    this.memo = fh;
  }

  get fh(): Buffer {
    return (this.memo ??= this.handles.encode(this.id, this.key));
  }
}

export function isDir(st: BigIntStats): boolean {
  return (Number(st.mode) & fsc.S_IFMT) === fsc.S_IFDIR;
}
export function isReg(st: BigIntStats): boolean {
  return (Number(st.mode) & fsc.S_IFMT) === fsc.S_IFREG;
}
export function isLnk(st: BigIntStats): boolean {
  return (Number(st.mode) & fsc.S_IFMT) === fsc.S_IFLNK;
}

function idOf(st: BigIntStats): InodeId {
  return { dev: st.dev, ino: st.ino, gen: st.birthtimeNs };
}

/**
 * RFC 8881 §14.2 component4 rules: UTF-8, not empty, no '/', no NUL, at most
 * maxname bytes. '.' and '..' are handled by the caller.
 */
export function checkName(name: string, raw?: Uint8Array): void {
  if (name.length === 0) throw new FsError('INVAL', 'empty name');
  if (raw && !Buffer.from(name, 'utf8').equals(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength))) {
    throw new FsError('INVAL', 'name is not valid UTF-8');
  }
  if (Buffer.byteLength(name) > MAX_NAME) throw new FsError('NAMETOOLONG', `name longer than ${MAX_NAME} bytes`);
  if (name.includes('\0')) throw new FsError('BADCHAR', 'NUL in name');
  if (name.includes('/')) throw new FsError('BADNAME', `'/' in name ${JSON.stringify(name)}`);
}

export class ExportFs {
  readonly root: string;
  readonly handles: FileHandleCodec;
  private readonly paths = new Map<string, string>();
  private rootNode_: FsNode | undefined;
  /**
   * The export root's device when its filesystem moves ctime on every xattr
   * change (ImaCache may keep FATTR4_IMA values of its inodes); else undefined.
   */
  ctimeDev: bigint | undefined;
  private scanning: Promise<void> | undefined;

  private constructor(root: string, handles: FileHandleCodec) {
    this.root = root;
    this.handles = handles;
  }

  /** Opens the export; `dir` must be an existing directory (symlinks to it are resolved once, here). */
  static async open(dir: string, handleKey?: Buffer): Promise<ExportFs> {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (err) {
      throw fsErrorFrom(err, dir);
    }
    const fs = new ExportFs(real, new FileHandleCodec(handleKey));
    const root = fs.nodeAt('');
    if (!isDir(root.st)) throw new FsError('NOTDIR', `${dir} is not a directory`);
    fs.rootNode_ = root;
    const type = await fsp.statfs(real).then((s) => s.type, () => undefined);
    fs.ctimeDev = type !== undefined && trustsCtime(type) ? root.st.dev : undefined;
    return fs;
  }

  /** `rel` is always built here from validated components ('a/b', never '.', '..' or '//'): no normalization needed. */
  private absOf(rel: string): string {
    if (rel === '') return this.root;
    return this.root.endsWith('/') ? `${this.root}${rel}` : `${this.root}/${rel}`;
  }

  /** The absolute path of a validated component inside directory node `dir` (no normalization needed). */
  private absIn(dir: FsNode, name: string): string {
    return dir.abs.endsWith('/') ? `${dir.abs}${name}` : `${dir.abs}/${name}`;
  }

  /**
   * Synchronous on the event loop: lstat of a cached dentry takes microseconds,
   * a thread-pool round trip costs more than the call.
   * `fh`: the handle that named this inode, when known (saves computing its MAC again).
   */
  private nodeAt(rel: string, fh?: Buffer, abs = this.absOf(rel)): FsNode {
    let st: BigIntStats;
    try {
      st = lstatSync(abs, { bigint: true });
    } catch (err) {
      throw fsErrorFrom(err, rel || '/');
    }
    return this.nodeOf(rel, abs, st, fh);
  }

  /** The node of `rel` (path `abs`) with stat `st`, remembered as the inode's path. */
  private nodeOf(rel: string, abs: string, st: BigIntStats, fh?: Buffer): FsNode {
    const id = idOf(st);
    const key = inodeKey(id);
    // Unchanged for every entry of a second listing: keeping the old string
    // spares the old-generation Map a pointer to a young one (GC work).
    if (this.paths.get(key) !== rel) this.paths.set(key, rel);
    return new Node(id, key, rel, abs, st, this.handles, fh);
  }

  /** The root node, re-stat'ed (its attributes change). */
  async rootNode(): Promise<FsNode> {
    return this.rootNodeNow();
  }

  rootNodeNow(): FsNode {
    const r = this.nodeAt('');
    if (r.key !== this.rootNode_!.key) throw new FsError('STALE', 'export root was replaced');
    return r;
  }

  isRoot(n: FsNode): boolean {
    return n.rel === '';
  }

  /** A node as it is now: its path must still hold the same inode. */
  async refresh(n: FsNode): Promise<FsNode> {
    return await this.refreshNow(n);
  }

  /** refresh without a promise when the node's path is known (always, but after a restart). */
  refreshNow(n: FsNode): MaybePromise<FsNode> {
    return this.resolveId(n.id, n.key, n.fh);
  }

  /**
   * PUTFH: a handle from the wire to a live node, or BADHANDLE / STALE (thrown
   * now, or rejected when the handle had to be searched for).
   */
  async resolve(fh: Uint8Array): Promise<FsNode> {
    return await this.resolveNow(fh);
  }

  /** resolve, synchronous unless the handle's inode must be searched for. */
  resolveNow(fh: Uint8Array): MaybePromise<FsNode> {
    const h = this.handles.check(fh);
    if (!h) throw new FsError('BADHANDLE', 'not a handle of this server');
    return this.resolveId(h.id, h.key, h.fh);
  }

  /** Synchronous unless the inode was never seen in this run (a handle from before a restart). */
  private resolveId(id: InodeId, key: string, fh?: Buffer): MaybePromise<FsNode> {
    const rel = this.paths.get(key);
    if (rel !== undefined) return this.nodeFor(id, key, rel, fh);
    return this.scan(key).then(() => {
      const found = this.paths.get(key);
      if (found === undefined) throw new FsError('STALE', 'inode not found in the export');
      return this.nodeFor(id, key, found, fh);
    });
  }

  /** The node of inode `id` at `rel`, where it was last seen; STALE when the path now names something else. */
  private nodeFor(id: InodeId, key: string, rel: string, fh?: Buffer): FsNode {
    const abs = this.absOf(rel);
    let st: BigIntStats;
    try {
      st = lstatSync(abs, { bigint: true });
    } catch (err) {
      const e = fsErrorFrom(err, rel || '/');
      if (e.kind === 'NOENT' || e.kind === 'NOTDIR') {
        this.paths.delete(key);
        throw new FsError('STALE', `${rel} is gone`);
      }
      throw e;
    }
    // The same inode (the path is already recorded as its path): no new key or id to build.
    if (st.ino === id.ino && st.dev === id.dev && st.birthtimeNs === id.gen) return new Node(id, key, rel, abs, st, this.handles, fh);
    const n = this.nodeOf(rel, abs, st);
    if (n.key !== key || n.id.gen !== id.gen) {
      // The path now names another inode: forget the mapping, keep the new one.
      if (this.paths.get(key) === rel) this.paths.delete(key);
      throw new FsError('STALE', `${rel || '/'} now names another file`);
    }
    return n;
  }

  /**
   * A handle from an earlier run (stable handle key): find its inode by a
   * bounded breadth-first walk that never follows symlinks.
   */
  private async scan(want: string): Promise<void> {
    if (this.scanning) {
      await this.scanning;
      return;
    }
    this.scanning = (async () => {
      const queue: string[] = [''];
      let seen = 0;
      while (queue.length > 0 && seen < SCAN_LIMIT && !this.paths.has(want)) {
        const dir = queue.shift()!;
        let names: string[];
        try {
          names = await fsp.readdir(this.absOf(dir));
        } catch {
          continue;
        }
        for (const name of names) {
          seen++;
          const rel = dir === '' ? name : `${dir}/${name}`;
          try {
            const n = this.nodeAt(rel);
            if (isDir(n.st)) queue.push(rel);
          } catch {
            /* vanished meanwhile */
          }
        }
      }
      debug('handle scan: %d entries, found=%s', seen, this.paths.has(want));
    })().finally(() => {
      this.scanning = undefined;
    });
    await this.scanning;
  }

  /** LOOKUP (RFC 8881 §18.15): one component in a directory. Symlinks are returned, not followed. */
  async lookup(dir: FsNode, name: string, raw?: Uint8Array): Promise<FsNode> {
    return await this.lookupNow(dir, name, raw);
  }

  /** lookup, synchronous except for '.' of a node whose inode must be searched for. */
  lookupNow(dir: FsNode, name: string, raw?: Uint8Array): MaybePromise<FsNode> {
    if (isLnk(dir.st)) throw new FsError('SYMLINK', `${dir.rel} is a symbolic link`);
    if (!isDir(dir.st)) throw new FsError('NOTDIR', `${dir.rel} is not a directory`);
    checkName(name, raw);
    // '.' and '..' are never passed to the filesystem; '..' at the root stays at the root.
    if (name === '.') return this.refreshNow(dir);
    if (name === '..') return this.isRoot(dir) ? this.rootNodeNow() : this.parentNow(dir);
    return this.childNow(dir, name);
  }

  /** LOOKUPP (RFC 8881 §18.14): NOENT at the export root, which has no parent here. */
  async parent(n: FsNode): Promise<FsNode> {
    return this.parentNow(n);
  }

  parentNow(n: FsNode): FsNode {
    if (this.isRoot(n)) throw new FsError('NOENT', 'the export root has no parent');
    const up = path.posix.dirname(n.rel);
    const p = this.nodeAt(up === '.' ? '' : up);
    if (!isDir(p.st)) throw new FsError('STALE', 'parent is no longer a directory');
    return p;
  }

  /** A child by name for READDIR, or the error to report as rdattr_error. */
  async child(dir: FsNode, name: string): Promise<FsNode> {
    return this.childNow(dir, name);
  }

  childNow(dir: FsNode, name: string): FsNode {
    return this.nodeAt(dir.rel === '' ? name : `${dir.rel}/${name}`, undefined, this.absIn(dir, name));
  }

  /** The path of entry `name` of directory `dir`, for openEntrySync. */
  entryPath(dir: FsNode, name: string): string {
    return this.absIn(dir, name);
  }

  /** The node of entry `name` of `dir`, whose stat `st` came from a verified descriptor of that path. */
  entryNode(dir: FsNode, name: string, abs: string, st: BigIntStats): FsNode {
    return this.nodeOf(dir.rel === '' ? name : `${dir.rel}/${name}`, abs, st);
  }

  /** The export root as a resolved path, for containment checks of opened files. */
  contains(realPath: string): boolean {
    return realPath === this.root || realPath.startsWith(this.root.endsWith('/') ? this.root : `${this.root}/`);
  }

  async readlink(n: FsNode): Promise<Buffer> {
    if (!isLnk(n.st)) throw new FsError('INVAL', `${n.rel} is not a symbolic link`);
    try {
      return await fsp.readlink(n.abs, { encoding: 'buffer' });
    } catch (err) {
      throw fsErrorFrom(err, n.rel);
    }
  }

  async statfs(): Promise<import('node:fs').BigIntStatsFs> {
    return await fsp.statfs(this.root, { bigint: true });
  }
}
