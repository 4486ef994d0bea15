/**
 * `-o opt,opt` as mount(8) and fstab users write it, into the same typed
 * settings the command-line flags give. Names take '_' or '-' (cache_size or
 * cache-size). Generic mount(8)/fstab words are accepted: the file-system flags
 * libfuse understands pass through to the kernel; bookkeeping words (defaults,
 * auto, _netdev, nofail, x-systemd.*, ...) are for mount(8)/systemd and ignored.
 * The mount is always read-only, so "rw" (from "defaults") is ignored too.
 */
import { MountError } from './mount-error.js';
import type { PolicyMode } from './mount-appraiser.js';

export interface MountSettings {
  policy?: PolicyMode;
  keys?: string[];
  ca?: string[];
  policyFile?: string;
  requireSignature?: boolean;
  log?: string;
  logJson?: string;
  cacheDir?: string;
  cacheSize?: number;
  foreground?: boolean;
  allowOther?: boolean;
  imaAttr?: number;
  integrityStatus?: number;
  attrTimeout?: number;
  pidFile?: string;
  daemonLog?: string;
}

export interface ParsedMountOptions {
  settings: MountSettings;
  /** Flags passed to the kernel mount (nosuid, nodev, noexec...). */
  mountFlags: string[];
}

const KERNEL_FLAGS = new Set(['suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'atime', 'noatime', 'sync', 'async', 'dirsync']);
const IGNORED = new Set(['ro', 'rw', 'defaults', 'auto', 'noauto', 'user', 'nouser', 'users', 'owner', 'group', '_netdev', 'nofail',
  'relatime', 'norelatime', 'strictatime', 'nostrictatime', 'lazytime', 'nolazytime', 'diratime', 'nodiratime', 'silent', 'loud']);
const IGNORED_PREFIX = ['x-', 'comment=', 'fsname=', 'subtype='];

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** "512M", "2G", "1.5GiB", "1048576" -> bytes (binary units). */
export function parseSize(s: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(s);
  if (!m) throw new MountError('IMAFS_CONFIG', `${what}: '${s}' is not a size (examples: 512M, 2G, 1073741824)`);
  const n = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  if (!(n > 0) || !Number.isSafeInteger(n)) throw new MountError('IMAFS_CONFIG', `${what}: '${s}' is out of range`);
  return n;
}

export function parseUint(s: string, what: string, max = 0xffffffff): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(s.trim())) throw new MountError('IMAFS_CONFIG', `${what}: '${s}' is not a number`);
  const n = Number(s.trim());
  if (n > max) throw new MountError('IMAFS_CONFIG', `${what}: ${s} is out of range (at most ${max})`);
  return n;
}

export function parsePolicyMode(s: string): PolicyMode {
  if (s === 'strict' || s === 'audit' || s === 'disabled') return s;
  throw new MountError('IMAFS_CONFIG', `policy: '${s}' is not strict, audit or disabled`);
}

/** Splits on commas; "\," keeps a comma inside a value (as fuse_opt does). */
function splitOptions(s: string): string[] {
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

/** Parses one or more -o strings (later ones win; keys= and ca= accumulate). */
export function parseMountOptions(strings: string[]): ParsedMountOptions {
  const st: MountSettings = {};
  const mountFlags: string[] = [];
  for (const opt of strings.flatMap(splitOptions)) {
    const eq = opt.indexOf('=');
    const name = (eq < 0 ? opt : opt.slice(0, eq)).replace(/-/g, '_');
    const value = eq < 0 ? undefined : opt.slice(eq + 1);
    const need = (): string => {
      if (value === undefined || value === '') throw new MountError('IMAFS_CONFIG', `mount option '${name}' needs a value (${name}=...)`);
      return value;
    };
    const flag = (): boolean => {
      if (value === undefined) return true;
      if (/^(1|yes|true|on)$/i.test(value)) return true;
      if (/^(0|no|false|off)$/i.test(value)) return false;
      throw new MountError('IMAFS_CONFIG', `mount option '${name}': '${value}' is not yes or no`);
    };
    switch (name) {
      case 'policy': st.policy = parsePolicyMode(need()); break;
      case 'keys': case 'key': (st.keys ??= []).push(need()); break;
      case 'ca': (st.ca ??= []).push(need()); break;
      case 'policy_file': st.policyFile = need(); break;
      case 'require_signature': st.requireSignature = flag(); break;
      case 'log': st.log = need(); break;
      case 'log_json': st.logJson = need(); break;
      case 'cache_dir': st.cacheDir = need(); break;
      case 'cache_size': st.cacheSize = parseSize(need(), 'cache_size'); break;
      case 'foreground': st.foreground = flag(); break;
      case 'allow_other': st.allowOther = flag(); break;
      case 'ima_attr': st.imaAttr = parseUint(need(), 'ima_attr'); break;
      case 'integrity_status': st.integrityStatus = parseUint(need(), 'integrity_status'); break;
      case 'attr_timeout': st.attrTimeout = parseSeconds(need()); break;
      case 'pid_file': st.pidFile = need(); break;
      case 'daemon_log': st.daemonLog = need(); break;
      default:
        if (KERNEL_FLAGS.has(opt)) mountFlags.push(opt);
        else if (IGNORED.has(opt) || IGNORED_PREFIX.some((p) => opt.startsWith(p))) continue;
        else throw new MountError('IMAFS_CONFIG', `unknown mount option '${opt}' (see docs/mount.md)`);
    }
  }
  return { settings: st, mountFlags };
}

export function parseSeconds(s: string): number {
  const n = Number(s);
  if (!/^\d+(\.\d+)?$/.test(s.trim()) || !(n >= 0) || n > 3600) throw new MountError('IMAFS_CONFIG', `attr_timeout: '${s}' is not a number of seconds (0..3600)`);
  return n;
}
