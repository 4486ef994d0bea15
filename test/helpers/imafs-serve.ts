/**
 * Starts `imafs serve` for tests: as a child process (the real CLI, stopped by
 * PID) or in-process (the library, for tests that need its events).
 *
 *   const srv = await startImafsServe(dir, { args: ['--ima-updates', 'root'] });
 *   t.after(() => srv.stop());
 *   srv.url('sub/file')  // nfs://127.0.0.1:PORT/sub/file
 *
 * The port defaults to 0 (the kernel picks a free one, no race) and is read
 * back from the ready line `imafs serve: listening on HOST:PORT exporting DIR`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/bin/imafs.js, from dist/test/helpers/. */
export const IMAFS_BIN = join(here, '..', '..', 'bin', 'imafs.js');

const READY = /^imafs serve: listening on (.+):(\d+) exporting (.+)$/m;

/** Every server this process started and has not seen exit: killed by PID if the test process exits first. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.pid !== undefined) try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
});

export interface ServeHandle {
  host: string;
  port: number;
  pid: number;
  /** nfs://host:port/<path> (the export root is the served directory). */
  url(path?: string): string;
  /**
   * The libnfs form for nfs-ls / nfs-cat (NFSv4.0): nfs://127.0.0.1//<path>?version=4&nfsport=PORT.
   * The doubled slash matters: libnfs takes everything up to the last '/' as the
   * export path, and our export path is '/'.
   */
  libnfsUrl(path?: string): string;
  /** Everything the server printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** Resolves when a line matching `re` appears in the output (or rejects after timeoutMs). */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM by PID, SIGKILL after 5 s; resolves with the exit code (null if killed). */
  stop(): Promise<number | null>;
  /** Resolves with the exit code once the process has exited on its own (rejects after timeoutMs). */
  waitExit(timeoutMs?: number): Promise<number | null>;
}

export interface ServeStartOptions {
  /** Extra CLI flags, e.g. ['--ima-updates', 'root,owner']. */
  args?: string[];
  host?: string;
  /** 0 (default): let the kernel pick. */
  port?: number;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

function urlFor(host: string, port: number, path = ''): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `nfs://${h}:${port}/${path.replace(/^\/+/, '')}`;
}

export async function startImafsServe(dir: string, opts: ServeStartOptions = {}): Promise<ServeHandle> {
  const host = opts.host ?? '127.0.0.1';
  const listen = host.includes(':') ? `[${host}]:${opts.port ?? 0}` : `${host}:${opts.port ?? 0}`;
  const child: ChildProcess = spawn(process.execPath, [IMAFS_BIN, 'serve', dir, '--listen', listen, ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  live.add(child);
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString('utf8');
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    live.delete(child);
    for (const w of [...waiters]) w();
  });

  const waitForOutput = (re: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(out);
        if (m) {
          done();
          resolve(m[0]);
        } else if (gone) {
          done();
          reject(new Error(`imafs serve exited before printing ${re}; output:\n${out}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`imafs serve: no ${re} after ${timeoutMs} ms; output:\n${out}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const stop = async (): Promise<number | null> => {
    if (!gone && child.pid !== undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => { if (!gone) child.kill('SIGKILL'); }, 5000);
      const code = await exited;
      clearTimeout(t);
      return code;
    }
    return await exited;
  };

  try {
    await waitForOutput(READY, opts.timeoutMs ?? 15_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const m = READY.exec(out)!;
  const port = Number(m[2]);
  return {
    host,
    port,
    pid: child.pid!,
    url: (path?: string) => urlFor(host, port, path),
    libnfsUrl: (path?: string) => {
      const p = (path ?? '').replace(/^\/+/, '');
      return `nfs://${host}/${p === '' ? '' : `/${p}`}?version=4&nfsport=${port}`;
    },
    output: () => out,
    waitForOutput,
    stop,
    waitExit: (timeoutMs = 10_000) => Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`imafs serve did not exit within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]),
  };
}

export interface InProcessServe {
  port: number;
  server: import('../../server/index.js').ImafsServer;
  url(path?: string): string;
  /** Log lines the server emitted (the same text the CLI prints). */
  logs: string[];
  stop(): Promise<void>;
}

/** The server library in this process: for tests that inspect its state or events. */
export async function startInProcessServe(
  dir: string,
  options: Partial<import('../../server/index.js').ServeOptions> = {},
): Promise<InProcessServe> {
  const { startServer } = await import('../../server/index.js');
  const logs: string[] = [];
  const server = await startServer({ root: dir, host: '127.0.0.1', port: 0, ...options, log: (line) => logs.push(line) });
  const { port } = server.address();
  return {
    port,
    server,
    logs,
    url: (path?: string) => urlFor('127.0.0.1', port, path),
    stop: () => server.close(),
  };
}
