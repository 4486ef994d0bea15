/**
 * Test fixture for real imafs mounts: runs the real CLI (`imafs mount`, a
 * background daemon) on a temp mountpoint with its pid file, daemon log and
 * cache in a temp state dir, and always cleans up: `imafs umount`, then
 * `umount -l` of our own mountpoint if anything is left, then SIGKILL of the
 * daemon by its PID, then the temp dirs. Register `m.cleanup` with t.after.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, existsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';
import { findMount } from '../../../appraiser/fuse/mount-table.js';
import { pidAlive } from '../../../appraiser/fuse/state-files.js';
import { mountId } from '../../../appraiser/fuse/state-files.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** errno name when the program could not even be started (EACCES for a refused exec). */
  spawnError?: string;
}

/** Runs a program without a shell; never throws for a non-zero exit. */
export function run(cmd: string, args: string[] = [], o: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: o.env ?? process.env, timeout: o.timeoutMs ?? 60_000, maxBuffer: 64 << 20, cwd: o.cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
      if (e && typeof e.code === 'string') resolve({ code: null, signal: null, stdout, stderr, spawnError: e.code });
      else resolve({ code: e ? ((e.code as unknown as number | null) ?? null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

export function imafs(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<RunResult> {
  return run(process.execPath, [IMAFS_BIN, ...args], { env: { ...process.env, ...env }, timeoutMs });
}

export interface MountHandle {
  mnt: string;
  stateDir: string;
  pidFile: string;
  daemonLog: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  /** PID of the mount daemon (from its pid file). */
  pid(): number | undefined;
  log(): string;
  umount(): Promise<RunResult>;
  cleanup(): Promise<void>;
}

export async function mountImafs(source: string, args: string[], o: { expectFail?: boolean } = {}): Promise<{ handle: MountHandle; result: RunResult }> {
  const base = mkdtempSync(join(tmpdir(), 'imafs-mnt-'));
  const mnt = join(base, 'mnt');
  const stateDir = join(base, 'state');
  const cacheDir = join(base, 'cache');
  await run('mkdir', ['-p', mnt]);
  const env = { IMAFS_STATE_DIR: stateDir };
  const handle = makeHandle(base, mnt, stateDir, cacheDir, env);
  const result = await imafs(['mount', source, mnt, '--cache-dir', cacheDir, ...args], env);
  if (!o.expectFail && result.code !== 0) {
    await handle.cleanup();
    throw new Error(`imafs mount failed (${result.code}): ${result.stderr}\n${handle.log()}`);
  }
  return { handle, result };
}

export function makeHandle(base: string, mnt: string, stateDir: string, cacheDir: string, env: NodeJS.ProcessEnv): MountHandle {
  const pidFile = join(stateDir, `${mountId(mnt)}.pid`);
  const daemonLog = pidFile.replace(/\.pid$/, '.log');
  let lastPid: number | undefined;
  const pid = (): number | undefined => {
    try { lastPid = Number(readFileSync(pidFile, 'utf8').trim()) || lastPid; } catch { /* gone */ }
    return lastPid;
  };
  pid();
  return {
    mnt, stateDir, pidFile, daemonLog, cacheDir, env, pid,
    log: () => (existsSync(daemonLog) ? readFileSync(daemonLog, 'utf8') : ''),
    umount: () => imafs(['umount', mnt], env),
    cleanup: async () => {
      const p = pid();
      if (await findMount(mnt)) await imafs(['umount', mnt], env, 30_000);
      if (await findMount(mnt)) await run('umount', ['-l', mnt]);
      if (p !== undefined && pidAlive(p)) {
        try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` is true or throws after timeoutMs. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a long-running child we own (for in-flight reads); returns it for killing by PID. */
export function spawnOwned(cmd: string, args: string[]) {
  return spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** For assert.rejects: the error's code is `c` (EACCES, ENOENT...). */
export const errCode = (c: string) => (e: unknown): boolean => (e as NodeJS.ErrnoException).code === c;

/**
 * Overwrites `data.length` bytes of `f` at `pos` in place: the same inode,
 * so only its change attribute (and content) tells the versions apart.
 */
export function writeAt(f: string, data: Buffer, pos = 0): void {
  const fd = openSync(f, 'r+');
  try {
    writeSync(fd, data, 0, data.length, pos);
  } finally {
    closeSync(fd);
  }
}
