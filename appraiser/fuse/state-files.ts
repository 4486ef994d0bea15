/**
 * Where a background mount keeps its pid file and its log: one pair per
 * mountpoint, named after it, in /run/imafs (root) or $XDG_RUNTIME_DIR/imafs,
 * so `imafs umount MNT` finds the daemon of MNT without being told.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function stateDir(): string {
  if (process.env.IMAFS_STATE_DIR) return process.env.IMAFS_STATE_DIR;
  if (process.getuid?.() === 0) return '/run/imafs';
  if (process.env.XDG_RUNTIME_DIR) return join(process.env.XDG_RUNTIME_DIR, 'imafs');
  return join(tmpdir(), `imafs-${process.getuid?.() ?? 'user'}`);
}

/** "/mnt/sw tools" -> "mnt-sw_20tools": '/' becomes '-', anything unusual (and '-', '_') becomes _hex. */
export function mountId(mountpoint: string): string {
  const rel = mountpoint.replace(/^\/+/, '').replace(/\/+$/, '');
  if (rel === '') return '-';
  return rel
    .split('/')
    .map((part) => part.replace(/[^A-Za-z0-9.]/g, (c) => [...Buffer.from(c)].map((b) => `_${b.toString(16).padStart(2, '0')}`).join('')))
    .join('-');
}

export const defaultPidFile = (mountpoint: string): string => join(stateDir(), `${mountId(mountpoint)}.pid`);
export const defaultDaemonLog = (mountpoint: string): string => join(stateDir(), `${mountId(mountpoint)}.log`);

export function writePidFile(file: string, pid = process.pid): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o755 });
  writeFileSync(file, `${pid}\n`, { mode: 0o644 });
}

export function readPidFile(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

export function removePidFile(file: string, onlyIfPid = process.pid): void {
  if (readPidFile(file) === onlyIfPid) rmSync(file, { force: true });
}

/** Whether `pid` runs an imafs mount of `mountpoint` (guards against a recycled pid). */
export function isMountDaemon(pid: number, mountpoint: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => /imafs/.test(a)) && argv.some((a) => a === mountpoint || a.replace(/\/+$/, '') === mountpoint);
  } catch {
    return false;
  }
}

/** Whether `pid` is a live process (a zombie waiting for its reaper counts as gone). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
