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
 *
 * How a request travels: a libfuse worker thread (fuse_loop_mt) fills its
 * thread-locals, uv_async_send()s the JS thread and sleeps on a semaphore; the
 * JS thread calls the handler in fuse-native's handler array, whose signal
 * function copies the answer into libfuse's buffers and posts the semaphore.
 * The hot calls (getattr/fgetattr, open, read, release: an exec is OPEN, the
 * FGETATTR auto_cache makes inside it, and RELEASE; a cold read is 128 KiB
 * READs) get lean handlers that call the native signal directly, with one
 * reused stat array, instead of fuse-native's generic wrapper (argument
 * copies, bind, a stat array per call, a nextTick per answer).
 */
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { debuglog } from 'node:util';
import type { AppraisingFs } from './appraising-fs.js';
import { errnoFor } from './errno-map.js';
import type { FuseStat } from './fuse-stat.js';
import { MountError } from './mount-error.js';
import { unmountPath } from './unmount-path.js';

const debug = debuglog('imafs:fuse');
const require = createRequire(import.meta.url);

type Cb = (...args: unknown[]) => void;
interface FuseInstance {
  mount(cb: (err: Error | null) => void): void;
  unmount(cb: (err: Error | null) => void): void;
  _fuseOptions(): string;
  /** Indexed by opcode; handed to the native side at mount. */
  _handlers?: Cb[];
}
/** The native side's signal functions: (thread-locals, result, ...answer). */
type Signal = (l: unknown, res: number, ...answer: unknown[]) => void;
interface FuseBinding {
  op_getattr: number;
  op_fgetattr: number;
  op_open: number;
  op_read: number;
  op_release: number;
  fuse_native_signal_getattr: Signal;
  fuse_native_signal_fgetattr: Signal;
  fuse_native_signal_open: Signal;
  fuse_native_signal_read: Signal;
  fuse_native_signal_release: Signal;
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

/** fuse-native's own native binding (the module index.js loads), for its signal functions. */
function fuseBinding(): FuseBinding | undefined {
  try {
    const dir = dirname(require.resolve('fuse-native/package.json'));
    const b = createRequire(join(dir, 'index.js'))('node-gyp-build')(dir) as Partial<FuseBinding>;
    return typeof b.fuse_native_signal_read === 'function' && typeof b.op_read === 'number' ? (b as FuseBinding) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * struct stat as fuse-native's populate_stat reads it: 18 uint32, 64-bit values
 * low word first, times in ms. One array for all calls: the signal copies it
 * before it returns.
 */
const statInts = new Uint32Array(18);
const TWO32 = 4294967296;
function set64(a: Uint32Array, i: number, n: number): void {
  const lo = n % TWO32;
  a[i] = lo;
  a[i + 1] = (n - lo) / TWO32;
}
function statArray(st: FuseStat): Uint32Array {
  const a = statInts;
  a[0] = st.mode;
  a[1] = st.uid;
  a[2] = st.gid;
  set64(a, 3, st.size);
  a[5] = 0;
  a[6] = st.nlink || 1;
  a[7] = 0;
  a[8] = 0;
  a[9] = st.blksize;
  set64(a, 10, st.blocks);
  set64(a, 12, st.atime);
  set64(a, 14, st.mtime);
  set64(a, 16, st.ctime);
  return a;
}

/** Replaces fuse-native's generic handlers for the hot calls (see the header). */
function installHotHandlers(handlers: Cb[], b: FuseBinding, fs: AppraisingFs, errno: (e: unknown) => number): void {
  const getattr = (l: unknown, path: string, signal: Signal): void => {
    const now = fs.getattrNow(path);
    if (now) return signal(l, 0, statArray(now));
    fs.getattr(path).then((st) => signal(l, 0, statArray(st)), (e) => signal(l, -errno(e), statInts));
  };
  handlers[b.op_getattr] = (l, _op, path) => getattr(l, path as string, b.fuse_native_signal_getattr);
  handlers[b.op_fgetattr] = (l, _op, path) => getattr(l, path as string, b.fuse_native_signal_fgetattr);
  handlers[b.op_open] = (l, _op, path, flags) => {
    fs.open(path as string, flags as number).then((fh) => b.fuse_native_signal_open(l, 0, fh), (e) => b.fuse_native_signal_open(l, -errno(e), 0));
  };
  handlers[b.op_read] = (l, _op, _path, fh, buf, len, posLow, posHigh) => {
    let n: number;
    try {
      n = fs.readSync(fh as number, buf as Buffer, len as number, (posLow as number) + (posHigh as number) * TWO32);
    } catch (e) {
      n = -errno(e);
    }
    // The signal detaches the buffer (it is libfuse's memory) after use.
    b.fuse_native_signal_read(l, n, 0, (buf as Buffer).buffer);
  };
  handlers[b.op_release] = (l, _op, _path, fh) => {
    fs.releaseNow(fh as number);
    b.fuse_native_signal_release(l, 0);
  };
}

export async function mountFuse(mountpoint: string, fs: AppraisingFs, o: FuseMountOptions, integrityStatus: number): Promise<FuseMount> {
  const Fuse = fuseClass();
  const errnoOf = (err: unknown): number => {
    const errno = (err as { errno?: number })?.errno;
    return typeof errno === 'number' && errno > 0 && (err as Error).name === 'FsErrno' ? errno : errnoFor(err, integrityStatus).errno || EIO;
  };
  const fail = (cb: Cb, err: unknown, ...rest: unknown[]): void => cb(-errnoOf(err), ...rest);
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
  const binding = fuseBinding();
  if (binding && Array.isArray(fuse._handlers)) installHotHandlers(fuse._handlers, binding, fs, errnoOf);
  else debug('fuse-native internals not as expected: generic handlers only');
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
