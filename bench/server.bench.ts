/**
 * imafs serve vs nfs-ganesha serving the same 256 MiB file in the same run:
 * `imafs cat` (NFSv4.2, our client) and libnfs's `nfs-cat` (NFSv4.0, an
 * independent client) each read it from both servers, output to /dev/null.
 * Runs rotate through the four combinations so machine drift hits all of
 * them; the table reports medians, MiB/s and imafs serve / ganesha per client.
 * Goal (issue 4): imafs serve >= 0.9x ganesha.
 *
 * The same file is exported by both: ganesha's export directory is the
 * directory imafs serve exports.
 *
 *   npm run bench server            IMAFS_BENCH_MIB=256 IMAFS_BENCH_RUNS=5
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startGanesha } from '../test/helpers/ganesha.js';
import { startImafsServe } from '../test/helpers/imafs-serve.js';
import { median } from './lib/measure.js';

const MIB = Number(process.env.IMAFS_BENCH_MIB ?? 256);
const RUNS = Number(process.env.IMAFS_BENCH_RUNS ?? 5);
const IMAFS = fileURLToPath(new URL('../bin/imafs.js', import.meta.url));

/** Wall time of one process writing to /dev/null; rejects on a non-zero exit. */
async function timeProcess(cmd: string, args: string[]): Promise<number> {
  const devnull = openSync('/dev/null', 'w');
  try {
    const t0 = process.hrtime.bigint();
    const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', devnull, 'pipe'] });
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

const rate = (ms: number): number => MIB / (ms / 1000);

export async function run(): Promise<void> {
  const g = await startGanesha();
  const s = await startImafsServe(g.exportDir).catch(async (e) => { await g.stop(); throw e; });
  try {
    const fd = openSync(`${g.exportDir}/file`, 'w');
    for (let i = 0; i < MIB; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
    const cases: Array<{ name: string; cmd: string; args: string[] }> = [
      { name: 'imafs cat   <- imafs serve', cmd: process.execPath, args: [IMAFS, 'cat', s.url('file')] },
      { name: 'imafs cat   <- ganesha', cmd: process.execPath, args: [IMAFS, 'cat', g.url('/file')] },
      { name: 'nfs-cat     <- imafs serve', cmd: 'nfs-cat', args: [s.libnfsUrl('file')] },
      { name: 'nfs-cat     <- ganesha', cmd: 'nfs-cat', args: [g.libnfsUrl('/file')] },
    ];
    // Warm the page cache and every path once, untimed.
    for (const c of cases) await timeProcess(c.cmd, c.args);
    const times = cases.map(() => [] as number[]);
    for (let i = 0; i < RUNS; i++) {
      for (let k = 0; k < cases.length; k++) {
        const j = (k + i) % cases.length;
        times[j].push(await timeProcess(cases[j].cmd, cases[j].args));
      }
    }
    const med = times.map(median);
    const row = (k: number) => `${cases[k].name.padEnd(28)} ${med[k].toFixed(0).padStart(8)} ms ${rate(med[k]).toFixed(0).padStart(8)} MiB/s   raw ms: ${times[k].map((x) => x.toFixed(0)).join(' ')}`;
    process.stdout.write([
      `file: ${MIB} MiB, imafs serve on 127.0.0.1:${s.port} and nfs-ganesha on 127.0.0.1:${g.port} exporting the same directory; ${RUNS} runs each, medians`,
      ...cases.map((_, k) => row(k)),
      `ratio imafs serve / ganesha with imafs cat: ${(rate(med[0]) / rate(med[1])).toFixed(2)}x   (goal >= 0.9x)`,
      `ratio imafs serve / ganesha with nfs-cat:   ${(rate(med[2]) / rate(med[3])).toFixed(2)}x   (goal >= 0.9x)`,
      '',
    ].join('\n'));
  } finally {
    await s.stop();
    await g.stop();
  }
}
