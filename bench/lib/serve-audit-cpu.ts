/**
 * Where the audit benchmark's CPU goes, server side: `node
 * dist/bench/lib/serve-audit-cpu.js [runs]` builds (or reuses) a tree of
 * small signed files like bench/audit.bench.ts, starts `imafs serve` on it
 * and runs `imafs audit` over NFS `runs` times, printing per run the wall
 * time and the CPU microseconds per file of the server process (from
 * /proc/PID/stat) and of the audit client.
 *
 * Not a benchmark of its own (no peer, no goal): a tool for profiling.
 *   IMAFS_CPU_TREE=/tmp/dir   keep the tree there and reuse it next time
 *   IMAFS_CPU_FILES=10000     number of files
 *   IMAFS_CPU_PROF=/tmp/prof  run the server under --cpu-prof into that directory
 *   IMAFS_CPU_PERF=1          run the server with --perf-basic-prof (for `perf record -p`)
 *                             and wait for Enter before the runs
 *   IMAFS_CPU_NODE_FLAGS='--trace-gc ...'  more node flags for the server (its stdout
 *                             is parsed for the port; its stderr is passed through)
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, signFile } from '../../appraiser/io/sign-file.js';
import { makeKey, tmpDir } from '../../test/helpers/ima-keys.js';
import { IMAFS_BIN, startImafsServe } from '../../test/helpers/imafs-serve.js';
import { processCpuMs } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../../bin/imafs.js');
const COUNT = Number(process.env.IMAFS_CPU_FILES ?? 10_000);
const PER_DIR = 1000;

/** [user, system] CPU ms of a process (proc(5) stat fields 14, 15; 10 ms ticks). */
function userSys(pid: number): [number, number] {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const v = f.slice(f.lastIndexOf(')') + 2).split(' ').map(Number);
  return [v[11] * 10, v[12] * 10];
}

async function tree(base: string): Promise<{ dir: string; cert: string }> {
  const done = join(base, 'ready.json');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as { dir: string; cert: string };
  const key = makeKey(base, 'rsa2048', { name: 'cpu' });
  const signer = await loadSigningKey(key.key);
  const dir = join(base, 'tree');
  for (let i = 0; i < COUNT; i++) {
    const d = `d${String(Math.floor(i / PER_DIR)).padStart(2, '0')}`;
    if (i % PER_DIR === 0) mkdirSync(join(dir, d), { recursive: true });
    const p = join(dir, d, `f${String(i).padStart(5, '0')}`);
    writeFileSync(p, randomBytes(512 + ((i * 7919) % 3585)));
    await signFile(p, signer, { algo: 'sha256' });
  }
  const info = { dir, cert: key.cert };
  writeFileSync(done, JSON.stringify(info));
  return info;
}

/** NODE_OPTIONS may not carry --cpu-prof: the server is started with it on its command line. */
async function profiledServe(dir: string, flags: string[]): Promise<{ pid: number; url(p: string): string; stop(): Promise<unknown> }> {
  const child = spawn(process.execPath, [...flags, IMAFS_BIN, 'serve', dir, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  let out = '';
  const port = await new Promise<number>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (out.includes(' exporting')) {
        process.stderr.write(d); // e.g. --trace-gc lines
        return;
      }
      out += d.toString();
      const m = /listening on .+:(\d+) exporting/.exec(out);
      if (m) ok(Number(m[1]));
    });
    void exited.then(() => fail(new Error(`imafs serve exited: ${out}`)));
  });
  return {
    pid: child.pid!,
    url: (p: string) => `nfs://127.0.0.1:${port}/${p}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const keep = process.env.IMAFS_CPU_TREE;
  const t = keep ? { dir: keep, cleanup: () => undefined } : tmpDir('imafs-serve-cpu-');
  mkdirSync(t.dir, { recursive: true });
  const prof = process.env.IMAFS_CPU_PROF;
  if (prof) rmSync(prof, { recursive: true, force: true });
  try {
    const { dir, cert } = await tree(t.dir);
    const perf = process.env.IMAFS_CPU_PERF === '1';
    const extra = (process.env.IMAFS_CPU_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    const flags = [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), ...(perf ? ['--perf-basic-prof'] : []), ...extra];
    const srv = flags.length > 0 ? await profiledServe(dir, flags) : await startImafsServe(dir);
    if (perf) {
      process.stdout.write(`server pid ${srv.pid}; press Enter to start\n`);
      await new Promise((r) => process.stdin.once('data', r));
      process.stdin.pause();
    }
    try {
      for (let i = 0; i <= runs; i++) {
        const s0 = processCpuMs(srv.pid);
        const us0 = userSys(srv.pid);
        const c0 = processCpuMs('children');
        const t0 = process.hrtime.bigint();
        const r = spawnSync(process.execPath, ['--no-warnings', CLI, 'audit', '--keys', cert, '--quiet', '--jobs', '64', srv.url('')], { encoding: 'utf8' });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r.status !== 0 || !r.stdout.includes(`${COUNT} allowed`)) throw new Error(`audit failed (${r.status}): ${r.stdout.slice(-300)} ${r.stderr.slice(0, 300)}`);
        const s = processCpuMs(srv.pid) - s0;
        const us1 = userSys(srv.pid);
        const c = processCpuMs('children') - c0;
        const label = i === 0 ? 'warm-up' : `run ${i}`;
        process.stdout.write(`${label.padEnd(8)} wall ${ms.toFixed(0).padStart(6)} ms   server CPU ${s.toString().padStart(5)} ms = ${((s * 1000) / COUNT).toFixed(1).padStart(6)} us/file (user ${us1[0] - us0[0]} sys ${us1[1] - us0[1]})   client CPU ${c.toString().padStart(5)} ms = ${((c * 1000) / COUNT).toFixed(1).padStart(6)} us/file\n`);
      }
    } finally {
      await srv.stop();
    }
    if (prof) process.stdout.write(`server profile in ${prof}\n`);
  } finally {
    t.cleanup();
  }
}

await main();
