/**
 * The only module that imports fuse-native (libfuse 2.9 high-level API). It
 * turns AppraisingFs's promises into fuse-native callbacks and negative errnos,
 * and owns the mount options handed to libfuse.
 *
 * Options and why:
 *   ro                         the mount is read-only; the kernel answers EROFS to writers
 *   auto_cache,ac_attr_timeout=0
 *                              after each open libfuse re-reads our attributes and keeps the
 *                              kernel's cached pages only if (mtime, size) did not change;
 *                              ServedVersions makes a new content always look changed
 *                              (fuse-native cannot set keep_cache per open: its open
 *                              callback returns only a handle number)
 *   attr_timeout, entry_timeout the attribute cache's TTL, so the kernel caches no longer than we do
 *   fsname, subtype=imafs      /proc/mounts shows "SOURCE MNT fuse.imafs"
 * No default_permissions: access(2) is answered by the server's ACCESS.
 * fuse-native's per-call timeout is off: an open waits for a whole fetch.
 */
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { debuglog } from 'node:util';
import type { AppraisingFs } from './appraising-fs.js';
import { errnoFor } from './errno-map.js';
import { MountError } from './mount-error.js';
import { unmountPath } from './unmount-path.js';

const debug = debuglog('imafs:fuse');
const require = createRequire(import.meta.url);

type Cb = (...args: unknown[]) => void;
interface FuseInstance {
  mount(cb: (err: Error | null) => void): void;
  unmount(cb: (err: Error | null) => void): void;
  _fuseOptions(): string;
}
interface FuseClass {
  new (mnt: string, ops: Record<string, Cb>, opts: Record<string, unknown>): FuseInstance;
  unmount(mnt: string, cb: (err: Error | null) => void): void;
}

let FuseCtor: FuseClass | undefined;
function fuseClass(): FuseClass {
  if (!FuseCtor) {
    FuseCtor = require('fuse-native') as FuseClass;
    // fuse-native hard-codes `fusermount -uz`, absent where Debian's fuse3 replaced fuse.
    FuseCtor.unmount = (mnt, cb) => {
      unmountPath(mnt).then((err) => cb(err ? new Error(err) : null), cb);
    };
  }
  return FuseCtor;
}

export interface FuseMountOptions {
  /** Shown as the source in /proc/mounts. */
  fsname: string;
  allowOther?: boolean;
  /** Kernel attribute/entry cache in seconds (match the AttrCache TTL). */
  attrTimeoutSec: number;
  /** Generic mount flags passed through (nosuid, nodev, noexec, suid, dev, exec, noatime...). */
  mountFlags?: string[];
  debug?: boolean;
}

export interface FuseMount {
  readonly mountpoint: string;
  /** Detaches the mount (lazy) and lets the FUSE thread end. Idempotent. */
  unmount(): Promise<void>;
}

/** fuse_opt_parse splits on commas; a backslash escapes one. */
const optEscape = (s: string): string => s.replace(/[\\,]/g, (c) => `\\${c}`);

export function fuseOptionString(o: FuseMountOptions): string {
  const opts = [
    'ro',
    `fsname=${optEscape(o.fsname)}`,
    'subtype=imafs',
    'auto_cache',
    'ac_attr_timeout=0',
    `attr_timeout=${o.attrTimeoutSec}`,
    `entry_timeout=${o.attrTimeoutSec}`,
    ...(o.allowOther ? ['allow_other'] : []),
    ...(o.mountFlags ?? []),
    ...(o.debug ? ['debug'] : []),
  ];
  return `-o${opts.join(',')}`;
}

const EIO = constants.errno.EIO;

export async function mountFuse(mountpoint: string, fs: AppraisingFs, o: FuseMountOptions, integrityStatus: number): Promise<FuseMount> {
  const Fuse = fuseClass();
  const fail = (cb: Cb, err: unknown, ...rest: unknown[]): void => {
    const errno = (err as { errno?: number })?.errno;
    const n = typeof errno === 'number' && errno > 0 && (err as Error).name === 'FsErrno' ? errno : errnoFor(err, integrityStatus).errno || EIO;
    cb(-n, ...rest);
  };
  const ops: Record<string, Cb> = {
    getattr: (path, cb) => void fs.getattr(path as string).then((st) => (cb as Cb)(0, st), (e) => fail(cb as Cb, e)),
    fgetattr: (path, _fd, cb) => void fs.getattr(path as string).then((st) => (cb as Cb)(0, st), (e) => fail(cb as Cb, e)),
    readdir: (path, cb) => void fs.readdir(path as string).then((names) => (cb as Cb)(0, names), (e) => fail(cb as Cb, e)),
    readlink: (path, cb) => void fs.readlink(path as string).then((t) => (cb as Cb)(0, t), (e) => fail(cb as Cb, e)),
    access: (path, mode, cb) => void fs.access(path as string, mode as number).then(() => (cb as Cb)(0), (e) => fail(cb as Cb, e)),
    open: (path, flags, cb) => void fs.open(path as string, flags as number).then((fh) => (cb as Cb)(0, fh), (e) => fail(cb as Cb, e)),
    read: (_path, fh, buf, len, pos, cb) => {
      let n: number;
      try {
        n = fs.readSync(fh as number, buf as Buffer, len as number, pos as number);
      } catch (e) {
        return fail(cb as Cb, e);
      }
      (cb as Cb)(n);
    },
    release: (_path, fh, cb) => void fs.release(fh as number).then(() => (cb as Cb)(0), () => (cb as Cb)(0)),
    statfs: (_path, cb) => (cb as Cb)(0, fs.statfs()),
  };
  const fuse = new Fuse(mountpoint, ops, { timeout: false });
  const optString = fuseOptionString(o);
  // fuse-native builds -o from a fixed list of camelCase flags; auto_cache needs ac_attr_timeout=0 (falsy there).
  fuse._fuseOptions = () => optString;
  debug('mount %s %s', mountpoint, optString);
  await new Promise<void>((resolve, reject) => {
    fuse.mount((err) => (err ? reject(new MountError('IMAFS_MOUNT_FAILED', `cannot mount ${mountpoint}: ${err.message}`, { cause: err })) : resolve()));
  });
  let closing: Promise<void> | undefined;
  return {
    mountpoint,
    unmount: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        fuse.unmount((err) => (err ? reject(new MountError('IMAFS_MOUNT_FAILED', `cannot unmount ${mountpoint}: ${err.message}`, { cause: err })) : resolve()));
      })),
  };
}
