/**
 * Audit benchmark (npm run bench audit): `imafs audit` of 10,000 signed small
 * files over NFS from `imafs serve` on loopback, vs the peer `evmctl
 * ima_verify` of the same files on the local disk, in the same run.
 *
 * Both sides are whole CLI invocations (process start included), after one
 * warm-up each so the files are in the page cache; they alternate, RUNS times,
 * and medians are compared. The files are 512 B..4 KiB of random bytes, signed
 * RSA-2048/sha256 by imafs's signer with the public-key keyid (the one evmctl
 * 1.4 looks keys up by), so evmctl and imafs check identical values. Both runs
 * must verify every file (exit 0) or the bench fails. Goal: imafs over the
 * network faster than evmctl locally (ratio imafs/evmctl < 1).
 *
 * imafs runs two ways over NFS, both printed with their ratio: as users run it
 * (dist/bin/imafs.js through its own #! line, which drops NODE_EXTRA_CA_CERTS)
 * and as `node dist/bin/imafs.js` with this process's environment.
 *
 * Each row also shows CPU time (user + sys of the process, all threads, from
 * /proc; for the NFS row also what `imafs serve` spent): client and server
 * share the machine's cores, so on a busy machine CPU is the steadier figure.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, signFile } from '../appraiser/io/sign-file.js';
import { makeKey, tmpDir } from '../test/helpers/ima-keys.js';
import { startImafsServe } from '../test/helpers/imafs-serve.js';
import { median, processCpuMs } from './lib/measure.js';
import { asUsersRunIt } from './lib/as-users-run-it.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../bin/imafs.js');
const COUNT = Number(process.env.IMAFS_BENCH_AUDIT_FILES ?? 10_000);
const RUNS = Number(process.env.IMAFS_BENCH_RUNS ?? 5);
const JOBS = process.env.IMAFS_BENCH_AUDIT_JOBS ?? '64';
const PER_DIR = 1000;

interface Timed {
  ms: number;
  /** CPU of the process (user + sys, all its threads). */
  cpu: number;
  /** CPU `imafs serve` spent meanwhile (0 for runs that do not use it). */
  serverCpu: number;
}

function timed(cmd: string, args: string[], cwd: string, check: (stdout: string) => string | null, serverPid?: number): Timed {
  const c0 = processCpuMs('children');
  const s0 = processCpuMs(serverPid);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const bad = r.status !== 0 ? `exit ${r.status}: ${(r.stderr ?? '').slice(0, 500)}` : check(r.stdout);
  if (bad) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} ...: ${bad}`);
  return { ms, cpu: processCpuMs('children') - c0, serverCpu: processCpuMs(serverPid) - s0 };
}

export async function run(): Promise<void> {
  const t = tmpDir('imafs-bench-audit-');
  let stopServe: (() => Promise<unknown>) | undefined;
  try {
    const key = makeKey(t.dir, 'rsa2048', { name: 'bench' });
    const signer = await loadSigningKey(key.key);
    const tree = join(t.dir, 'tree');
    const rel: string[] = [];
    const setup0 = Date.now();
    for (let i = 0; i < COUNT; i++) {
      const d = `d${String(Math.floor(i / PER_DIR)).padStart(2, '0')}`;
      if (i % PER_DIR === 0) mkdirSync(join(tree, d), { recursive: true });
      const p = `${d}/f${String(i).padStart(5, '0')}`;
      writeFileSync(join(tree, p), randomBytes(512 + ((i * 7919) % 3585)));
      await signFile(join(tree, p), signer, { algo: 'sha256' });
      rel.push(p);
    }
    process.stdout.write(`setup: ${COUNT} files signed in ${((Date.now() - setup0) / 1000).toFixed(1)} s under ${tree}; ${RUNS} runs each, medians, --jobs ${JOBS}\n`);

    const srv = await startImafsServe(tree);
    stopServe = () => srv.stop();
    const url = srv.url('');
    const auditArgs = ['audit', '--keys', key.cert, '--quiet', '--jobs', JOBS, url];
    const imafsArgs = ['--no-warnings', CLI, ...auditArgs];
    const user = asUsersRunIt(CLI);
    const userArgs = [...user.pre, ...auditArgs];
    const imafsOk = (out: string): string | null =>
      out.includes(`: ${COUNT} files, ${COUNT} allowed, 0 denied`) ? null : `unexpected summary: ${out.slice(-300)}`;
    const evmArgs = ['ima_verify', '--key', key.certDer, ...rel];
    const evmOk = (): string | null => null;
    // For reference (not the goal): the same audit of the local directory, no NFS in between.
    const localArgs = ['--no-warnings', CLI, 'audit', '--keys', key.cert, '--quiet', tree];

    timed(process.execPath, imafsArgs, t.dir, imafsOk, srv.pid);
    timed(user.cmd, userArgs, t.dir, imafsOk, srv.pid);
    timed('evmctl', evmArgs, tree, evmOk);
    timed(process.execPath, localArgs, t.dir, imafsOk);
    const a: Timed[] = [];
    const u: Timed[] = [];
    const b: Timed[] = [];
    const c: Timed[] = [];
    for (let i = 0; i < RUNS; i++) {
      a.push(timed(process.execPath, imafsArgs, t.dir, imafsOk, srv.pid));
      u.push(timed(user.cmd, userArgs, t.dir, imafsOk, srv.pid));
      b.push(timed('evmctl', evmArgs, tree, evmOk));
      c.push(timed(process.execPath, localArgs, t.dir, imafsOk));
    }
    const ma = median(a.map((x) => x.ms));
    const mu = median(u.map((x) => x.ms));
    const mb = median(b.map((x) => x.ms));
    const mc = median(c.map((x) => x.ms));
    // CPU (medians, ms): what the machine's two cores were asked for, which wall time on a shared machine only partly shows.
    const cpu = (xs: Timed[]): string => `cpu ${median(xs.map((x) => x.cpu)).toFixed(0).padStart(5)} ms`;
    const runs = (xs: Timed[]): string => xs.map((x) => x.ms.toFixed(0)).join(' ');
    const nfsRow = (label: string, m: number, xs: Timed[]): void => {
      process.stdout.write(`${label.padEnd(47)}${m.toFixed(0).padStart(7)} ms  ${(COUNT / (m / 1000)).toFixed(0).padStart(6)} files/s   ${cpu(xs)} + serve ${median(xs.map((x) => x.serverCpu)).toFixed(0)} ms   runs: ${runs(xs)}\n`);
    };
    nfsRow('imafs audit over NFS, as users run it (#!)', mu, u);
    nfsRow('imafs audit over NFS, node dist/bin/imafs.js', ma, a);
    process.stdout.write(`evmctl ima_verify, local files                 ${mb.toFixed(0).padStart(7)} ms  ${(COUNT / (mb / 1000)).toFixed(0).padStart(6)} files/s   ${cpu(b)}   runs: ${runs(b)}\n`);
    process.stdout.write(`(reference) imafs audit, local directory       ${mc.toFixed(0).padStart(7)} ms  ${(COUNT / (mc / 1000)).toFixed(0).padStart(6)} files/s   ${cpu(c)}   runs: ${runs(c)}\n`);
    process.stdout.write(`(${user.label}; this process has ${process.env.NODE_EXTRA_CA_CERTS ? `NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}` : 'NODE_EXTRA_CA_CERTS unset'})\n`);
    process.stdout.write(`ratio imafs/evmctl: as users run it ${(mu / mb).toFixed(2)}x, node dist/bin/imafs.js ${(ma / mb).toFixed(2)}x (goal < 1.00x: ${Math.max(mu, ma) < mb ? 'met' : 'NOT met'})\n`);
  } finally {
    await stopServe?.();
    t.cleanup();
  }
}
