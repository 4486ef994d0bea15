/**
 * Mounting and unmounting for the demo through the real `imafs mount` and
 * `imafs umount`. The mount runs with --foreground as the demo's own child so
 * the demo holds its PID; readiness is the mount point appearing in
 * /proc/self/mountinfo.
 */
import { readFileSync } from 'node:fs';
import { imafs, run, startDaemon, type Daemon } from './child-processes.js';

/** /proc/self/mountinfo field 5 is the mount point, with space, tab, newline and backslash octal-escaped. */
export function isMounted(mountpoint: string): boolean {
  const info = readFileSync('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => {
    const mp = line.split(' ')[4];
    return mp !== undefined && mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) === mountpoint;
  });
}

export interface DemoMount {
  daemon: Daemon;
  mountpoint: string;
  args: string[];
}

export interface MountFiles {
  /** ima-sig ascii measurement log (the kernel's format). */
  log: string;
  /** JSON-lines measurement log (verdict, reason, decision). */
  logJson: string;
  /** Verified-content cache and pid file: inside the demo's temp dir so nothing outlives it. */
  cacheDir: string;
  pidFile: string;
}

/** Starts `imafs mount --foreground`; the caller records the result before waiting, so cleanup can always find it. */
export function startMount(url: string, mountpoint: string, policy: 'strict' | 'audit', cert: string, f: MountFiles): DemoMount {
  const args = ['mount', '--foreground', '--policy', policy, '--keys', cert, '--log', f.log, '--log-json', f.logJson,
    '--cache-dir', f.cacheDir, '--pid-file', f.pidFile, url, mountpoint];
  return { daemon: startDaemon(args), mountpoint, args };
}

/** The mount command as a user would type it (no bookkeeping flags). */
export function shownMountArgs(m: DemoMount): string[] {
  const out: string[] = [];
  for (let i = 0; i < m.args.length; i++) {
    const a = m.args[i];
    if (a === '--foreground') continue;
    if (a === '--cache-dir' || a === '--pid-file' || a === '--log-json') { i++; continue; }
    out.push(a);
  }
  return out;
}

export async function waitMounted(m: DemoMount, signal?: AbortSignal, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isMounted(m.mountpoint)) {
    if (signal?.aborted) throw new Error('interrupted');
    if (m.daemon.exited()) throw new Error(`imafs mount exited before the mount was ready:\n${m.daemon.output().trim()}`);
    if (Date.now() > deadline) throw new Error(`imafs mount: ${m.mountpoint} not mounted after ${timeoutMs} ms:\n${m.daemon.output().trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `imafs umount`, then make sure the daemon is gone; if the mount is still
 * there (the daemon died), detach it with umount -l so nothing is left behind.
 */
export async function unmountShare(m: DemoMount): Promise<string[]> {
  const problems: string[] = [];
  if (isMounted(m.mountpoint)) {
    const r = await imafs(['umount', m.mountpoint], { timeoutMs: 20_000 });
    if (r.status !== 0) problems.push(`imafs umount exited ${r.status}: ${r.stderr.trim()}`);
  }
  await m.daemon.stop(5000);
  if (isMounted(m.mountpoint)) {
    const r = await run('umount', ['-l', m.mountpoint]);
    if (r.status !== 0) problems.push(`umount -l ${m.mountpoint} failed: ${r.stderr.trim()}`);
  }
  return problems;
}
