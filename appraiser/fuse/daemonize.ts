/**
 * Background mode, like mount.nfs: the command starts a detached copy of
 * itself (its own session, stdout/stderr appended to the daemon log) and
 * returns only when that copy reports the mount ready, or fails with the
 * copy's own error (same message and code, so the exit code is the same).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { MountError } from './mount-error.js';

/** Set in the child's environment: report readiness over IPC. */
export const DAEMON_ENV = 'IMAFS_MOUNT_DAEMON';

/**
 * glibc raises its mmap threshold after the first large free, after which the
 * 1 MiB READ buffers come from heap arenas and freed ones stay in RSS; a fixed
 * threshold returns them to the kernel (a 2 GiB read peaks near 120 MiB instead of 200).
 * The threshold sits above 128 KiB: libfuse mallocs a 128 KiB buffer for every
 * FUSE READ and frees it after the reply; at 128 KiB each one was an mmap, 33
 * page faults and an munmap (with TLB shootdowns across threads), about 1,500
 * of each per 256 MiB read. A 4 MiB trim threshold keeps such a buffer in its
 * arena instead of handing it back and faulting it in again at the next READ.
 */
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '262144', MALLOC_TRIM_THRESHOLD_: '4194304', MALLOC_ARENA_MAX: '2' };

export type DaemonMessage = { type: 'ready'; pid: number } | { type: 'error'; message: string; code?: string };

export interface DaemonStart {
  /** The script to run (dist/bin/imafs.js) and its arguments (must include --foreground). */
  script: string;
  args: string[];
  logFile: string;
  timeoutMs?: number;
}

export async function startDaemon(o: DaemonStart): Promise<number> {
  mkdirSync(dirname(o.logFile), { recursive: true });
  const fd = openSync(o.logFile, 'a', 0o640);
  const child = spawn(process.execPath, [o.script, ...o.args], {
    detached: true,
    stdio: ['ignore', fd, fd, 'ipc'],
    env: { ...MALLOC_ENV, ...process.env, [DAEMON_ENV]: '1' },
  });
  closeSync(fd);
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        reject(new MountError('IMAFS_DAEMON', `the mount daemon was not ready after ${o.timeoutMs ?? 60_000} ms (see ${o.logFile})`));
      }, o.timeoutMs ?? 60_000);
      child.on('message', (m: DaemonMessage) => {
        clearTimeout(timer);
        if (m.type === 'ready') resolve(m.pid);
        else reject(Object.assign(new MountError('IMAFS_DAEMON', m.message), m.code ? { code: m.code } : {}));
      });
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new MountError('IMAFS_DAEMON', `the mount daemon exited (${sig ?? `code ${code}`}) before the mount was ready (see ${o.logFile})`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new MountError('IMAFS_DAEMON', `cannot start the mount daemon: ${e.message}`, { cause: e }));
      });
    });
  } finally {
    if (child.connected) child.disconnect();
    child.unref();
  }
}

/** In the child: tell the waiting parent how the mount went, then let it go. */
export function notifyParent(m: DaemonMessage): void {
  if (process.env[DAEMON_ENV] !== '1' || !process.send) return;
  process.send(m, () => {
    if (process.connected) process.disconnect();
  });
}
