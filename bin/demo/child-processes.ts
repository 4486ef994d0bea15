/**
 * The demo's child processes: the real `imafs` CLI (serve, mount, sign,
 * umount, audit) run as separate processes, exactly as a user would run them.
 * Long-running children get their own process group so a terminal Ctrl-C
 * reaches only the demo, which then tears down in order (unmount before the
 * server goes away). Every child is tracked by PID and stopped by PID only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cliScript } from '../cli-script.js';

/** dist/bin/imafs.js. */
export const IMAFS_CLI = cliScript();

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const live = new Set<ChildProcess>();

/** Last resort when the demo exits without its cleanup (an uncaught error): no daemon stays behind. */
process.once('exit', () => {
  for (const c of live) if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
});

/** Runs a command to completion and collects its output (never throws on a non-zero exit). */
export function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd: opts.cwd, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    live.add(c);
    let stdout = '';
    let stderr = '';
    c.stdout!.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    c.stderr!.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const timer = setTimeout(() => c.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    c.once('error', (err) => {
      clearTimeout(timer);
      live.delete(c);
      resolve({ status: 127, signal: null, stdout, stderr: `${stderr}${err.message}\n` });
    });
    c.once('close', (status, signal) => {
      clearTimeout(timer);
      live.delete(c);
      resolve({ status, signal, stdout, stderr });
    });
    if (c.stdin) {
      // A child that exits before reading its input must not crash the demo with EPIPE.
      c.stdin.on('error', () => {});
      c.stdin.end(opts.input);
    }
  });
}

/** `imafs <args>` with the same Node.js that runs the demo. */
export function imafs(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [IMAFS_CLI, ...args], opts);
}

export interface Daemon {
  readonly pid: number;
  output(): string;
  /** Resolves with the first match of `re` in the output; rejects if the process exits first or after timeoutMs. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited(): boolean;
  /** SIGTERM by PID, SIGKILL after graceMs; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startDaemon(args: string[]): Daemon {
  const c = spawn(process.execPath, [IMAFS_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(c);
  let out = '';
  let gone = false;
  const listeners = new Set<() => void>();
  const poke = (): void => { for (const l of [...listeners]) l(); };
  c.stdout!.on('data', (d: Buffer) => { out += d.toString('utf8'); poke(); });
  c.stderr!.on('data', (d: Buffer) => { out += d.toString('utf8'); poke(); });
  const exit = new Promise<void>((resolve) => c.once('close', () => { gone = true; live.delete(c); poke(); resolve(); }));
  c.once('error', (err) => { out += `${err.message}\n`; });
  return {
    pid: c.pid ?? -1,
    output: () => out,
    exited: () => gone,
    waitFor: (re, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${re}; output:\n${out.trim()}`)), timeoutMs);
        const finish = (err?: Error, m?: RegExpExecArray): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve(m!);
        };
        const check = (): void => {
          const m = re.exec(out);
          if (m) finish(undefined, m);
          else if (gone) finish(new Error(`exited before printing ${re}; output:\n${out.trim()}`));
        };
        listeners.add(check);
        check();
      }),
    stop: async (graceMs = 5000) => {
      if (gone || c.pid === undefined) return;
      try { process.kill(c.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { if (!gone && c.pid !== undefined) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
