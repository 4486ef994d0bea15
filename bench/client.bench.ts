/**
 * `imafs cat` vs libnfs's `nfs-cat` (libnfs-utils) reading the same 256 MiB
 * file from the same nfs-ganesha in the same run, both writing to /dev/null.
 * Runs alternate between the tools (so drift in machine load hits both), and
 * the table reports medians, MiB/s and the ratio imafs / nfs-cat.
 * Goal (issue 2): ratio >= 1.2.
 *
 * Both numbers are whole-process wall times, start-up included, because that
 * is what a user of either CLI waits for. Wall time on a busy machine mostly
 * tracks CPU demand, so each row also shows the process's CPU time (user +
 * sys from getrusage, via bash's `times`) and the CPU ganesha spent serving
 * it (/proc/PID/stat): those are far steadier than wall time under load.
 *
 * Other rows, to locate the time: the imafs library in-process (connect
 * excluded: the transfer path alone), `node -e 0` (Node's own start-up), and,
 * when NODE_EXTRA_CA_CERTS is set (it makes every Node process parse a CA
 * bundle at start, ~50 ms of CPU here; nfs-cat never reads it), imafs cat
 * again without it.
 *
 *   npm run bench client            IMAFS_BENCH_MIB=256 IMAFS_BENCH_RUNS=5
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { NfsClient } from '../client/nfs-client.js';
import { startGanesha } from '../test/helpers/ganesha.js';
import { median, processCpuMs } from './lib/measure.js';

const MIB = Number(process.env.IMAFS_BENCH_MIB ?? 256);
const RUNS = Number(process.env.IMAFS_BENCH_RUNS ?? 5);
const IMAFS = fileURLToPath(new URL('../bin/imafs.js', import.meta.url));
/** Runs "$@" with stdout on /dev/null, then prints the children's CPU times (`times`, second line) on stderr. */
const TIMED = '"$@" >/dev/null; rc=$?; times >&2; exit $rc';

interface Sample { wallMs: number; cpuMs: number; serverMs: number }

/** `1m2.345s` -> ms */
function parseTimes(s: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(s);
  return m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : NaN;
}

/** One process with stdout on /dev/null: wall, its CPU, and the server's CPU meanwhile. Rejects on a non-zero exit. */
async function timeProcess(cmd: string, args: string[], serverPid: number | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Sample> {
  const s0 = processCpuMs(serverPid);
  const t0 = process.hrtime.bigint();
  const child = spawn('bash', ['-c', TIMED, 'bench', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const serverMs = processCpuMs(serverPid) - s0;
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`);
  const lines = stderr.trim().split('\n');
  const [user, sys] = (lines.at(-1) ?? '').split(' ').map(parseTimes);
  return { wallMs, cpuMs: user + sys, serverMs };
}

async function timeLibrary(url: string, serverPid: number | undefined): Promise<Sample> {
  const c = await NfsClient.connect(url);
  try {
    const s0 = processCpuMs(serverPid);
    const u0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    let n = 0;
    for await (const b of c.read('')) {
      n += b.length;
      c.recycle(b);
    }
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const u = process.cpuUsage(u0);
    if (n !== MIB * 1024 * 1024) throw new Error(`library read ${n} bytes, expected ${MIB} MiB`);
    return { wallMs, cpuMs: (u.user + u.system) / 1000, serverMs: processCpuMs(serverPid) - s0 };
  } finally {
    await c.close();
  }
}

const rate = (ms: number): number => MIB / (ms / 1000);

export async function run(): Promise<void> {
  const g = await startGanesha();
  try {
    const fd = openSync(`${g.exportDir}/file`, 'w');
    for (let i = 0; i < MIB; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
    const url = g.url('/file');
    const libnfsUrl = g.libnfsUrl('/file');
    const extraCa = process.env.NODE_EXTRA_CA_CERTS !== undefined;
    const { NODE_EXTRA_CA_CERTS: _ca, ...envNoCa } = process.env;
    // Warm the page cache and both code paths once, untimed.
    await timeProcess(process.execPath, [IMAFS, 'cat', url], g.pid);
    await timeProcess('nfs-cat', [libnfsUrl], g.pid);
    const rows: [string, Sample[]][] = [
      ['imafs cat (process)', []], ['nfs-cat (process)', []], ['imafs library read (in-process)', []], ['node -e 0 (process)', []],
    ];
    if (extraCa) rows.push(['imafs cat, NODE_EXTRA_CA_CERTS unset', []]);
    for (let i = 0; i < RUNS; i++) {
      rows[0][1].push(await timeProcess(process.execPath, [IMAFS, 'cat', url], g.pid));
      rows[1][1].push(await timeProcess('nfs-cat', [libnfsUrl], g.pid));
      rows[2][1].push(await timeLibrary(url, g.pid));
      rows[3][1].push(await timeProcess(process.execPath, ['-e', '0'], g.pid));
      if (extraCa) rows[4][1].push(await timeProcess(process.execPath, [IMAFS, 'cat', url], g.pid, envNoCa));
    }
    const med = (s: Sample[], k: keyof Sample): number => median(s.map((x) => x[k]));
    const line = (name: string, s: Sample[]): string => {
      const wall = med(s, 'wallMs');
      const mibs = name.startsWith('node -e') ? '' : rate(wall).toFixed(0);
      return `${name.padEnd(38)} ${wall.toFixed(0).padStart(6)} ms ${mibs.padStart(6)} MiB/s   cpu ${med(s, 'cpuMs').toFixed(0).padStart(4)} ms   ganesha cpu ${med(s, 'serverMs').toFixed(0).padStart(4)} ms`;
    };
    const ratio = (a: Sample[], b: Sample[]): string => (med(b, 'wallMs') / med(a, 'wallMs')).toFixed(2);
    const [imafs, peer, lib] = [rows[0][1], rows[1][1], rows[2][1]];
    process.stdout.write([
      `file: ${MIB} MiB from nfs-ganesha on 127.0.0.1:${g.port}, ${RUNS} runs each (interleaved), medians; stdout /dev/null for both; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`,
      ...rows.map(([name, s]) => line(name, s)),
      `ratio imafs cat / nfs-cat: ${ratio(imafs, peer)}x   (goal >= 1.2x)`,
      `ratio imafs library / nfs-cat: ${ratio(lib, peer)}x`,
      ...(extraCa ? [`ratio imafs cat without NODE_EXTRA_CA_CERTS / nfs-cat: ${ratio(rows[4][1], peer)}x`] : []),
      `raw wall ms: ${rows.map(([name, s]) => `${name.split(' (')[0].split(',')[0]}${name.includes('unset') ? ' (no CA)' : ''}: ${s.map((x) => x.wallMs.toFixed(0)).join(' ')}`).join('; ')}`,
      '',
    ].join('\n'));
  } finally {
    await g.stop();
  }
}
