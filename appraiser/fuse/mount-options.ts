/**
 * `-o opt,opt` as mount(8) and fstab users write it. Each imafs option is the
 * command-line flag of the same name (cache_size=2G is --cache-size 2G, '_' or
 * '-' alike), so both spellings go through one set of flag parsers and mean
 * the same thing. Generic mount(8)/fstab words are accepted: the file-system
 * flags libfuse understands pass through to the kernel; bookkeeping words
 * (defaults, auto, _netdev, nofail, x-systemd.*, ...) belong to mount(8) and
 * systemd and are ignored. The mount is always read-only, so "rw" (implied by
 * "defaults") is ignored too.
 */
import { MountError } from './mount-error.js';

/** -o name -> [flag, takes a value]. */
const FLAGS: Record<string, [string, boolean]> = {
  policy: ['--policy', true],
  keys: ['--keys', true],
  key: ['--keys', true],
  ca: ['--ca', true],
  policy_file: ['--policy-file', true],
  require_signature: ['--require-signature', false],
  allow_algo: ['--allow-algo', true],
  log: ['--log', true],
  log_json: ['--log-json', true],
  cache_dir: ['--cache-dir', true],
  cache_size: ['--cache-size', true],
  foreground: ['--foreground', false],
  allow_other: ['--allow-other', false],
  attr_timeout: ['--attr-timeout', true],
  pid_file: ['--pid-file', true],
  daemon_log: ['--daemon-log', true],
  ima_attr: ['--ima-attr', true],
  integrity_status: ['--integrity-status', true],
  auth: ['--auth', true],
  uid: ['--uid', true],
  gid: ['--gid', true],
  gids: ['--gids', true],
  minor_version: ['--minor-version', true],
  timeout: ['--timeout', true],
};

const KERNEL_FLAGS = new Set(['suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'atime', 'noatime', 'sync', 'async', 'dirsync']);
const IGNORED = new Set(['ro', 'rw', 'defaults', 'auto', 'noauto', 'user', 'nouser', 'users', 'owner', 'group', '_netdev', 'nofail',
  'relatime', 'norelatime', 'strictatime', 'nostrictatime', 'lazytime', 'nolazytime', 'diratime', 'nodiratime', 'silent', 'loud']);
const IGNORED_PREFIX = ['x-', 'comment=', 'fsname=', 'subtype='];

export interface ExpandedMountOptions {
  /** The equivalent command-line flags, in order. */
  argv: string[];
  /** Flags for the kernel mount (nosuid, nodev, noexec...). */
  mountFlags: string[];
}

/** Splits on commas; "\," keeps a comma inside a value (as fuse_opt does). */
export function splitOptions(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) cur += s[++i];
    else if (s[i] === ',') { out.push(cur); cur = ''; }
    else cur += s[i];
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

/** mount -s (sloppy): the options this parser knows, unknown ones dropped. */
export function knownOptions(strings: string[]): string[] {
  return strings.flatMap(splitOptions).filter((opt) => {
    try {
      expandMountOptions([opt.replace(/[\\,]/g, (c) => `\\${c}`)]);
      return true;
    } catch {
      return false;
    }
  });
}

export function expandMountOptions(strings: string[]): ExpandedMountOptions {
  const argv: string[] = [];
  const mountFlags: string[] = [];
  for (const opt of strings.flatMap(splitOptions)) {
    const eq = opt.indexOf('=');
    const name = (eq < 0 ? opt : opt.slice(0, eq)).replace(/-/g, '_');
    const value = eq < 0 ? undefined : opt.slice(eq + 1);
    const spec = FLAGS[name];
    if (spec) {
      const [flag, takesValue] = spec;
      if (takesValue) {
        if (value === undefined || value === '') throw new MountError('IMAFS_CONFIG', `mount option '${name}' needs a value (${name}=...)`);
        argv.push(flag, value);
      } else if (value === undefined || /^(1|yes|true|on)$/i.test(value)) {
        argv.push(flag);
      } else if (!/^(0|no|false|off)$/i.test(value)) {
        throw new MountError('IMAFS_CONFIG', `mount option '${name}': '${value}' is not yes or no`);
      }
    } else if (KERNEL_FLAGS.has(opt)) {
      mountFlags.push(opt);
    } else if (!IGNORED.has(opt) && !IGNORED_PREFIX.some((p) => opt.startsWith(p))) {
      throw new MountError('IMAFS_CONFIG', `unknown mount option '${opt}' (see docs/mount.md)`);
    }
  }
  return { argv, mountFlags };
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** "512M", "2G", "1.5GiB", "1048576" -> bytes (binary units). */
export function parseSize(s: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(s);
  if (!m) throw new MountError('IMAFS_CONFIG', `${what}: '${s}' is not a size (examples: 512M, 2G, 1073741824)`);
  const n = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  if (!(n > 0) || !Number.isSafeInteger(n)) throw new MountError('IMAFS_CONFIG', `${what}: '${s}' is out of range`);
  return n;
}

/** Seconds for the attribute cache, 0..3600. */
export function parseSeconds(s: string, what = 'attr-timeout'): number {
  const n = Number(s);
  if (!/^\d+(\.\d+)?$/.test(s.trim()) || !(n >= 0) || n > 3600) throw new MountError('IMAFS_CONFIG', `${what}: '${s}' is not a number of seconds (0..3600)`);
  return n;
}
