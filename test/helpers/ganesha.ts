/**
 * Starts a private nfs-ganesha 4.3 (VFS FSAL) on 127.0.0.1 for a test: a free
 * port, a temp export dir, its own config, pid, log and recovery dirs. NFSv4
 * only (no NLM, RQUOTA, MNT, UDP, so no fixed ports), Graceless so a restart
 * does not answer NFS4ERR_GRACE for 90 s, minor versions 0 (for libnfs), 1, 2.
 *
 * ganesha runs in the foreground (-F) as our child, so we own its PID and stop
 * it by that PID only. Readiness is a real ONC RPC NULL call to NFS v4.
 *
 *   const g = await startGanesha();  t.after(() => g.stop());
 *   NfsClient.connect(g.url('/dir'))
 *
 * The "Cannot register NFS V4 on TCP" (no rpcbind), dbus and krb5 messages in
 * its log are expected and harmless.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export interface GaneshaOptions {
  /** NFSv4 lease in seconds (ganesha allows 0..120); short leases test renewal. Default 60. */
  leaseSeconds?: number;
  /** Minor versions offered. Default [0, 1, 2]. */
  minorVersions?: number[];
  /** Use this directory as the export instead of a fresh temp dir (not removed on stop). */
  exportDir?: string;
  /** Pseudo path of the export. Default "/export". */
  pseudoPath?: string;
  /** Extra lines put inside the EXPORT block. */
  exportExtra?: string;
  /** Milliseconds to wait for readiness. Default 15000. */
  readyTimeoutMs?: number;
  /** Listen on ::1 instead of 127.0.0.1 (IPv6 literal URLs). */
  ipv6?: boolean;
}

export interface Ganesha {
  readonly port: number;
  readonly host: '127.0.0.1' | '::1';
  readonly exportDir: string;
  readonly pseudoPath: string;
  /** The state dir (config, log, pid, recovery). */
  readonly baseDir: string;
  readonly configPath: string;
  readonly logPath: string;
  /** PID of the running daemon, or undefined while stopped. */
  readonly pid: number | undefined;
  /** nfs://127.0.0.1:PORT/<pseudo><p>; p defaults to "" (the export root). */
  url(p?: string): string;
  /** The libnfs form (nfs-cat/nfs-ls): nfs://127.0.0.1/<pseudo><p>?version=4&nfsport=PORT */
  libnfsUrl(p?: string): string;
  /** The daemon's log so far (for assertion messages). */
  log(): string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove temp dirs. Idempotent. */
  stop(): Promise<void>;
  /** Graceful stop then start again on the same port with the same export. */
  restart(): Promise<void>;
  /** SIGKILL (a crash) and wait for exit; start() again with restart() or start(). */
  kill(): Promise<void>;
  /** Start again after kill(); same port, export and recovery dir. */
  start(): Promise<void>;
}

const GANESHA = process.env.IMAFS_GANESHA ?? 'ganesha.nfsd';
const PLUGIN_DIRS = ['/usr/lib/x86_64-linux-gnu/ganesha', '/usr/lib/aarch64-linux-gnu/ganesha', '/usr/lib64/ganesha', '/usr/lib/ganesha'];

/** Every daemon this process started and has not yet seen exit: killed if we exit first. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.pid !== undefined) try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
});

function pluginsDir(): string {
  const found = PLUGIN_DIRS.find((d) => existsSync(path.join(d, 'libfsalvfs.so')));
  if (!found) throw new Error(`ganesha VFS FSAL (libfsalvfs.so) not found in ${PLUGIN_DIRS.join(', ')}`);
  return found;
}

function config(o: { bind: string; port: number; exportDir: string; pseudo: string; recovery: string; lease: number; minors: number[]; extra: string }): string {
  return `# written by imafs test/helpers/ganesha.ts
NFS_CORE_PARAM {
  Protocols = 4;
  NFS_Port = ${o.port};
  Bind_addr = ${o.bind};
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Enable_UDP = false;
  Plugins_Dir = "${pluginsDir()}";
}
NFSV4 {
  Graceless = true;
  Minor_Versions = ${o.minors.join(', ')};
  Lease_Lifetime = ${o.lease};
  RecoveryBackend = fs;
  RecoveryRoot = "${o.recovery}";
  Allow_Numeric_Owners = true;
  Only_Numeric_Owners = true;
}
NFS_KRB5 { Active_krb5 = false; }
EXPORT {
  Export_Id = 1;
  Path = "${o.exportDir}";
  Pseudo = "${o.pseudo}";
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  Protocols = 4;
  Transports = TCP;
${o.extra}
  FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
`;
}

/**
 * RFC 5531 NULL call (proc 0) to NFS (100003) v4 with AUTH_NONE, record-marked:
 * resolves true only on an accepted SUCCESS reply with our XID.
 */
async function nullPing(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const call = Buffer.alloc(44);
  const xid = (Math.random() * 0xffffffff) >>> 0;
  call.writeUInt32BE((0x80000000 | 40) >>> 0, 0);
  [xid, 0, 2, 100003, 4, 0, 0, 0, 0, 0].forEach((v, i) => call.writeUInt32BE(v, 4 + 4 * i));
  return await new Promise<boolean>((resolve) => {
    let got = Buffer.alloc(0);
    const s = net.connect({ host, port });
    const done = (ok: boolean): void => { clearTimeout(timer); s.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => s.write(call));
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length < 28) return;
      done(got.readUInt32BE(4) === xid && got.readUInt32BE(8) === 1 && got.readUInt32BE(12) === 0 && got.readUInt32BE(24) === 0);
    });
    s.once('error', () => done(false));
    s.once('close', () => done(false));
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}

export async function startGanesha(opts: GaneshaOptions = {}): Promise<Ganesha> {
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'imafs-ganesha-'));
  const exportDir = opts.exportDir ?? path.join(baseDir, 'export');
  const recovery = path.join(baseDir, 'recovery');
  for (const d of [exportDir, recovery]) mkdirSync(d, { recursive: true });
  const pseudoPath = opts.pseudoPath ?? '/export';
  const host = opts.ipv6 ? '::1' : '127.0.0.1';
  const urlHost = opts.ipv6 ? '[::1]' : '127.0.0.1';
  const port = await freePort(host);
  const configPath = path.join(baseDir, 'ganesha.conf');
  const logPath = path.join(baseDir, 'ganesha.log');
  const pidPath = path.join(baseDir, 'ganesha.pid');
  writeFileSync(configPath, config({
    bind: host, port, exportDir, pseudo: pseudoPath, recovery,
    lease: opts.leaseSeconds ?? 60, minors: opts.minorVersions ?? [0, 1, 2], extra: opts.exportExtra ?? '',
  }));
  let child: ChildProcess | undefined;
  let removed = false;

  const start = async (): Promise<void> => {
    if (child) throw new Error('ganesha already running');
    const c = spawn(GANESHA, ['-F', '-f', configPath, '-L', logPath, '-p', pidPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    live.add(c);
    c.once('exit', () => live.delete(c));
    child = c;
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
    let spawnError: Error | undefined;
    c.once('error', (e) => { spawnError = e; });
    for (;;) {
      if (spawnError || c.exitCode !== null || c.signalCode !== null) {
        child = undefined;
        throw new Error(`ganesha exited before it was ready (${spawnError?.message ?? `code ${c.exitCode} ${c.signalCode ?? ''}`}): ${stderr}\n${g.log().slice(-3000)}`);
      }
      if (await nullPing(host, port, 500)) return;
      if (Date.now() > deadline) {
        await kill();
        throw new Error(`ganesha not ready on ${urlHost}:${port}: ${g.log().slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const kill = async (): Promise<void> => {
    const c = child;
    if (!c) return;
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
    await waitExit(c, 10_000);
    child = undefined;
  };

  const terminate = async (): Promise<void> => {
    const c = child;
    if (!c) return;
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGTERM');
    if (!(await waitExit(c, 10_000))) await kill();
    child = undefined;
  };

  const g: Ganesha = {
    port,
    host,
    exportDir,
    pseudoPath,
    baseDir,
    configPath,
    logPath,
    get pid() { return child?.pid; },
    url: (p = '') => `nfs://${urlHost}:${port}${pseudoPath}${p === '' || p.startsWith('/') ? p : `/${p}`}`,
    libnfsUrl: (p = '') => `nfs://${urlHost}${pseudoPath}${p === '' || p.startsWith('/') ? p : `/${p}`}?version=4&nfsport=${port}`,
    log: () => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } },
    stop: async () => {
      await terminate();
      if (removed) return;
      removed = true;
      // A caller-supplied export dir lives outside baseDir and is left alone.
      rmSync(baseDir, { recursive: true, force: true });
    },
    restart: async () => { await terminate(); await start(); },
    kill,
    start,
  };
  await start();
  return g;
}
