/**
 * Appraiser benchmark (npm run bench appraiser): imafs verify vs the peer,
 * evmctl ima_verify (ima-evm-utils), measured in the same run on the same files.
 *
 *  1. one 256 MiB file signed with RSA-2048 / sha256 (evmctl ima_sign)
 *  2. 10,000 small signed files (1 KiB, RSA-2048 / sha256), one invocation each
 *     (both tools take many files per invocation)
 *
 * Both sides are whole CLI invocations (process start included), after one
 * warm-up run so the files are in the page cache; medians of several runs.
 * imafs runs two ways, both printed: as users run it (dist/bin/imafs.js
 * through its own shebang line, which drops NODE_EXTRA_CA_CERTS), and as
 * `node dist/bin/imafs.js` with this process's environment. Every run must
 * exit 0 and the warm-up must report every file as `allowed ok`. The
 * in-process library times are printed too. Goals: <= 0.8x evmctl on the big
 * file, < 1x on the small files.
 */
import { spawnSync } from 'node:child_process';
import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evmSign, makeKey, tmpDir } from '../test/helpers/ima-keys.js';
import { Policy, appraiseFile, appraiseFileSync, loadKeyring, loadSigningKey, signFile } from '../appraiser/index.js';
import { appraiseLocalFiles, plannedWorkers } from '../appraiser/io/appraise-local-files.js';
import { median, writeRandom } from './lib/measure.js';
import { asUsersRunIt } from './lib/as-users-run-it.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../bin/imafs.js');
const BIG = 256 * 1024 * 1024;
const SMALL_COUNT = Number(process.env.IMAFS_BENCH_SMALL ?? 10_000);
const RUNS = Number(process.env.IMAFS_BENCH_RUNS ?? 5);

interface Timing { wall: number; cpu: number }

const USER = asUsersRunIt(CLI);
const viaShebang = (args: string[]): [string, string[]] => [USER.cmd, [...USER.pre, ...args]];
const viaNode = (args: string[]): [string, string[]] => [process.execPath, ['--no-warnings', CLI, ...args]];
const caNote = process.env.NODE_EXTRA_CA_CERTS ? `NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}` : 'NODE_EXTRA_CA_CERTS unset';

/** One untimed run that must report every file as `allowed ok` (text output). */
function checkAllOk(cmd: string, args: string[], count: number): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  const ok = r.stdout.split('\n').filter((l) => / allowed ok \(/.test(l)).length;
  if (r.status !== 0 || ok !== count) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} ...: exit ${r.status}, ${ok}/${count} files allowed ok: ${r.stderr.slice(0, 500)}`);
}

// GNU time gives the child's CPU time (user + sys): on a shared, loaded machine
// wall time mostly measures the scheduler, CPU time the work done.
const GNU_TIME = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0;

function timeCmd(cmd: string, args: string[]): Timing {
  const t0 = process.hrtime.bigint();
  const r = GNU_TIME
    ? spawnSync('/usr/bin/time', ['-f', 'IMAFS_BENCH_CPU %U %S', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 << 20 })
    : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} ... exited ${r.status}: ${r.stderr?.toString().slice(0, 500)}`);
  const m = /IMAFS_BENCH_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr?.toString() ?? '');
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

async function timeAsync(fn: () => Promise<void>): Promise<Timing> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (c.user + c.system) / 1000 };
}

function fmt(xs: Timing[]): { wall: number; cpu: number } {
  return { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) };
}

function row(name: string, imafs: Array<[string, Timing[]]>, evm: Timing[]): void {
  const b = fmt(evm);
  process.stdout.write(`${name}\n`);
  process.stdout.write(`  evmctl${' '.repeat(40)} wall ${b.wall.toFixed(1).padStart(8)} ms${Number.isNaN(b.cpu) ? '' : `  cpu ${b.cpu.toFixed(1).padStart(8)} ms`}\n`);
  for (const [label, xs] of imafs) {
    const a = fmt(xs);
    const cpu = Number.isNaN(a.cpu) ? '' : `  cpu ${a.cpu.toFixed(1).padStart(8)} ms (${(a.cpu / b.cpu).toFixed(2)}x)`;
    process.stdout.write(`  ${label.padEnd(46)} wall ${a.wall.toFixed(1).padStart(8)} ms (${(a.wall / b.wall).toFixed(2)}x)${cpu}\n`);
  }
}

function inProcess(label: string, lib: Timing[], evm: Timing[], extra: string): void {
  const a = fmt(lib);
  const b = fmt(evm);
  process.stdout.write(`  ${label}: wall ${a.wall.toFixed(1)} ms (${(a.wall / b.wall).toFixed(2)}x evmctl), cpu ${a.cpu.toFixed(1)} ms (${(a.cpu / b.cpu).toFixed(2)}x evmctl)${extra}\n`);
}

export async function run(): Promise<void> {
  const t = tmpDir('imafs-bench-');
  try {
    const key = makeKey(t.dir, 'rsa2048', { name: 'bench' });
    const keyring = await loadKeyring({ keys: [key.cert] });
    const policy = new Policy();
    process.stdout.write(`setup: ${BIG >> 20} MiB file and ${SMALL_COUNT} small files in ${t.dir}; ${RUNS} runs each, medians\n`);
    // Start-up as a user meets it: one small signed file, every tool's fixed cost.
    const one = join(t.dir, 'one.bin');
    writeRandom(one, 4096);
    evmSign(one, key, 'sha256');
    const imafsOne = ['verify', '--keys', key.cert, one];
    checkAllOk(...viaShebang(imafsOne), 1);
    const startUser: Timing[] = [];
    const startNode: Timing[] = [];
    const oneUser: Timing[] = [];
    const oneNode: Timing[] = [];
    const oneEvm: Timing[] = [];
    const bare: Timing[] = [];
    for (let i = 0; i < RUNS; i++) {
      startUser.push(timeCmd(...viaShebang(['--version'])));
      startNode.push(timeCmd(...viaNode(['--version'])));
      oneUser.push(timeCmd(...viaShebang(imafsOne)));
      oneNode.push(timeCmd(...viaNode(imafsOne)));
      oneEvm.push(timeCmd('evmctl', ['ima_verify', '--key', key.certDer, one]));
      bare.push(timeCmd(process.execPath, ['-e', '0']));
    }
    const w = (xs: Timing[]): string => `${fmt(xs).wall.toFixed(1)}/${fmt(xs).cpu.toFixed(1)}`;
    process.stdout.write(`process start (wall/cpu ms; ${caNote}): node -e 0 ${w(bare)}; --version: ${USER.label} ${w(startUser)}, node dist/bin/imafs.js ${w(startNode)}\n`);
    process.stdout.write(`one 4 KiB file (wall/cpu ms): evmctl ima_verify ${w(oneEvm)}, ${USER.label} verify ${w(oneUser)}, node dist/bin/imafs.js verify ${w(oneNode)}\n`);

    const big = join(t.dir, 'big.bin');
    writeRandom(big, BIG);
    evmSign(big, key, 'sha256');
    const imafsBig = ['verify', '--keys', key.cert, big];
    const evmBig = ['ima_verify', '--key', key.certDer, big];
    checkAllOk(...viaShebang(imafsBig), 1);
    checkAllOk(...viaNode(imafsBig), 1);
    timeCmd('evmctl', evmBig);
    const bu: Timing[] = [];
    const bn: Timing[] = [];
    const be: Timing[] = [];
    const bl: Timing[] = [];
    for (let i = 0; i < RUNS; i++) {
      bu.push(timeCmd(...viaShebang(imafsBig)));
      bn.push(timeCmd(...viaNode(imafsBig)));
      be.push(timeCmd('evmctl', evmBig));
      bl.push(await timeAsync(async () => {
        const r = await appraiseFile(big, { keyring, policy });
        if (r.verdict.code !== 'ok') throw new Error(r.verdict.reason);
      }));
    }
    row('256 MiB file, sha256 + RSA-2048: imafs verify vs evmctl ima_verify', [[USER.label, bu], [`node dist/bin/imafs.js (${caNote})`, bn]], be);
    inProcess('library, in-process appraiseFile', bl, be, `, ${(BIG / 1048576 / (fmt(bl).wall / 1000)).toFixed(0)} MiB/s`);

    const dir = join(t.dir, 'small');
    mkdirSync(dir);
    const small: string[] = [];
    const payload = Buffer.alloc(1024);
    for (let i = 0; i < SMALL_COUNT; i++) {
      const f = join(dir, `f${i}`);
      randomFillSync(payload);
      const fd = openSync(f, 'w');
      writeSync(fd, payload);
      closeSync(fd);
      small.push(f);
    }
    // Signed in-process: RSA PKCS#1 v1.5 values from imafs are byte-identical to
    // evmctl ima_sign's (test/integration/appraiser/imafs-sign.test.ts), and one
    // evmctl process per file would make the setup take minutes.
    const sk = await loadSigningKey(key.key);
    for (const f of small) await signFile(f, sk, { algo: 'sha256' });
    const imafsSmall = ['verify', '--keys', key.cert, ...small];
    const evmSmall = ['ima_verify', '--key', key.certDer, ...small];
    checkAllOk(...viaShebang(imafsSmall), SMALL_COUNT);
    checkAllOk(...viaNode(imafsSmall), SMALL_COUNT);
    timeCmd('evmctl', evmSmall);
    const su: Timing[] = [];
    const s0: Timing[] = [];
    const sn: Timing[] = [];
    const se: Timing[] = [];
    const sl: Timing[] = [];
    const sp: Timing[] = [];
    const allOk = (rs: Awaited<ReturnType<typeof appraiseLocalFiles>>): void => {
      const bad = rs.findIndex((r) => 'error' in r || r.decision.verdict.code !== 'ok');
      if (bad >= 0) throw new Error(`${small[bad]}: not ok`);
    };
    for (let i = 0; i < RUNS; i++) {
      su.push(timeCmd(...viaShebang(imafsSmall)));
      s0.push(timeCmd(...viaShebang(['verify', '--threads', '0', ...imafsSmall.slice(1)])));
      sn.push(timeCmd(...viaNode(imafsSmall)));
      se.push(timeCmd('evmctl', evmSmall));
      sl.push(await timeAsync(async () => {
        for (const f of small) {
          const r = appraiseFileSync(f, { keyring, policy });
          if (r.verdict.code !== 'ok') throw new Error(`${f}: ${r.verdict.reason}`);
        }
      }));
      sp.push(await timeAsync(async () => allOk(await appraiseLocalFiles(small, { keyring, policy, access: 'read' }))));
    }
    const threads = plannedWorkers(small);
    row(`${SMALL_COUNT} x 1 KiB signed files, one invocation each: imafs verify vs evmctl ima_verify`, [
      [`${USER.label}, ${threads} worker thread(s)`, su], [`${USER.label} --threads 0`, s0], [`node dist/bin/imafs.js (${caNote})`, sn],
    ], se);
    inProcess('library, in-process appraiseFileSync loop', sl, se, `, ${(fmt(sl).wall * 1000 / SMALL_COUNT).toFixed(1)} us/file`);
    inProcess(`library, in-process appraiseLocalFiles (${threads} worker thread(s) + main)`, sp, se, `, ${(fmt(sp).wall * 1000 / SMALL_COUNT).toFixed(1)} us/file`);
  } finally {
    t.cleanup();
  }
}
