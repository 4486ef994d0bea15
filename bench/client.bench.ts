/**
 * `imafs cat` vs libnfs's `nfs-cat` (libnfs-utils) reading the same 256 MiB
 * file from the same nfs-ganesha in the same run, output to /dev/null.
 * Runs alternate between the two tools (so drift in machine load hits both),
 * and the table reports medians, MiB/s and the ratio imafs / nfs-cat.
 * Goal (issue 2): ratio >= 1.2.
 *
 * Both numbers are whole-process wall times, startup included, because that
 * is what a user of either CLI waits for. A second row times the imafs
 * library in-process (connect excluded) to show the transfer path alone.
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

const MIB = Number(process.env.IMAFS_BENCH_MIB ?? 256);
const RUNS = Number(process.env.IMAFS_BENCH_RUNS ?? 5);
const IMAFS = fileURLToPath(new URL('../bin/imafs.js', import.meta.url));
const CAT_ONLY = new URL('../bin/commands/cat.js', import.meta.url).href;
/**
 * The same `cat` command with only commander and bin/commands/cat.js loaded:
 * what `imafs cat` would cost if the CLI loaded subcommands lazily. Shown to
 * separate CLI start-up (every subcommand's imports) from the client itself.
 */
const CAT_ONLY_SCRIPT = `import { Command } from 'commander';
import { register } from ${JSON.stringify(CAT_ONLY)};
const p = new Command('imafs').exitOverride();
register(p);
await p.parseAsync(process.argv.slice(1), { from: 'user' });`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of one process writing to /dev/null; rejects on a non-zero exit. */
async function timeProcess(cmd: string, args: string[]): Promise<number> {
  const devnull = openSync('/dev/null', 'w');
  try {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', devnull, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`);
    return ms;
  } finally {
    closeSync(devnull);
  }
}

async function timeLibrary(url: string): Promise<number> {
  const c = await NfsClient.connect(url);
  try {
    const t0 = process.hrtime.bigint();
    let n = 0;
    for await (const b of c.read('')) n += b.length;
    if (n !== MIB * 1024 * 1024) throw new Error(`library read ${n} bytes, expected ${MIB} MiB`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
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
    // Warm the page cache and both code paths once, untimed.
    await timeProcess(process.execPath, [IMAFS, 'cat', url]);
    await timeProcess('nfs-cat', [libnfsUrl]);
    const imafs: number[] = [];
    const peer: number[] = [];
    const lib: number[] = [];
    const lean: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      imafs.push(await timeProcess(process.execPath, [IMAFS, 'cat', url]));
      peer.push(await timeProcess('nfs-cat', [libnfsUrl]));
      lib.push(await timeLibrary(url));
      lean.push(await timeProcess(process.execPath, ['--input-type=module', '-e', CAT_ONLY_SCRIPT, 'cat', url]));
      bare.push(await timeProcess(process.execPath, ['-e', '0']));
    }
    const mi = median(imafs);
    const mp = median(peer);
    const ml = median(lib);
    const mlean = median(lean);
    const row = (name: string, ms: number) => `${name.padEnd(30)} ${ms.toFixed(0).padStart(8)} ms ${rate(ms).toFixed(0).padStart(8)} MiB/s`;
    process.stdout.write([
      `file: ${MIB} MiB from nfs-ganesha on 127.0.0.1:${g.port}, ${RUNS} runs each, medians; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`,
      row('imafs cat (process)', mi),
      row('nfs-cat (process)', mp),
      row('imafs library read (in-process)', ml),
      row('cat command alone (process)', mlean),
      `node start-up alone (node -e 0): ${median(bare).toFixed(0)} ms`,
      `ratio imafs cat / nfs-cat: ${(rate(mi) / rate(mp)).toFixed(2)}x   (goal >= 1.2x)`,
      `ratio imafs library / nfs-cat: ${(rate(ml) / rate(mp)).toFixed(2)}x`,
      `ratio cat command alone / nfs-cat: ${(rate(mlean) / rate(mp)).toFixed(2)}x`,
      `raw ms imafs: ${imafs.map((x) => x.toFixed(0)).join(' ')}; nfs-cat: ${peer.map((x) => x.toFixed(0)).join(' ')}; library: ${lib.map((x) => x.toFixed(0)).join(' ')}; cat alone: ${lean.map((x) => x.toFixed(0)).join(' ')}`,
      '',
    ].join('\n'));
  } finally {
    await g.stop();
  }
}
