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
 * The in-process library time (appraiseFile) is printed too. Goals: <= 0.8x
 * evmctl on the big file, < 1x on the small files.
 */
import { spawnSync } from 'node:child_process';
import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evmSign, makeKey, tmpDir } from '../test/helpers/ima-keys.js';
import { Policy, appraiseFile, appraiseFileSync, loadKeyring, loadSigningKey, signFile } from '../appraiser/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../bin/imafs.js');
const BIG = 256 * 1024 * 1024;
const SMALL_COUNT = Number(process.env.IMAFS_BENCH_SMALL ?? 10_000);
const RUNS = Number(process.env.IMAFS_BENCH_RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeCmd(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} ... exited ${r.status}: ${r.stderr?.toString().slice(0, 500)}`);
  return ms;
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function writeRandom(file: string, size: number): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (let left = size; left > 0; left -= chunk.length) {
    randomFillSync(chunk);
    writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  }
  closeSync(fd);
}

function row(name: string, imafs: number[], evm: number[]): void {
  const a = median(imafs);
  const b = median(evm);
  process.stdout.write(`${name.padEnd(34)} imafs ${a.toFixed(1).padStart(8)} ms   evmctl ${b.toFixed(1).padStart(8)} ms   ratio ${(a / b).toFixed(2)}x\n`);
}

export async function run(): Promise<void> {
  const t = tmpDir('imafs-bench-');
  try {
    const key = makeKey(t.dir, 'rsa2048', { name: 'bench' });
    const keyring = await loadKeyring({ keys: [key.cert] });
    const policy = new Policy();
    process.stdout.write(`setup: ${BIG >> 20} MiB file and ${SMALL_COUNT} small files in ${t.dir}; ${RUNS} runs each, medians\n`);
    const startup: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      startup.push(timeCmd(process.execPath, ['--no-warnings', CLI, '--version']));
      bare.push(timeCmd(process.execPath, ['-e', '0']));
    }
    process.stdout.write(`process start: node -e 0 ${median(bare).toFixed(1)} ms, imafs --version ${median(startup).toFixed(1)} ms (all CLI commands loaded)\n`);

    const big = join(t.dir, 'big.bin');
    writeRandom(big, BIG);
    evmSign(big, key, 'sha256');
    const imafsBig = ['--no-warnings', CLI, 'verify', '--keys', key.cert, big];
    const evmBig = ['ima_verify', '--key', key.certDer, big];
    timeCmd(process.execPath, imafsBig);
    timeCmd('evmctl', evmBig);
    const bi: number[] = [];
    const be: number[] = [];
    const bl: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bi.push(timeCmd(process.execPath, imafsBig));
      be.push(timeCmd('evmctl', evmBig));
      bl.push(await timeAsync(async () => {
        const r = await appraiseFile(big, { keyring, policy });
        if (r.verdict.code !== 'ok') throw new Error(r.verdict.reason);
      }));
    }
    row('256 MiB, sha256 + RSA-2048 (CLI)', bi, be);
    process.stdout.write(`  in-process appraiseFile: ${median(bl).toFixed(1)} ms (${(BIG / 1048576 / (median(bl) / 1000)).toFixed(0)} MiB/s)\n`);

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
    const imafsSmall = ['--no-warnings', CLI, 'verify', '--keys', key.cert, ...small];
    const evmSmall = ['ima_verify', '--key', key.certDer, ...small];
    timeCmd(process.execPath, imafsSmall);
    timeCmd('evmctl', evmSmall);
    const si: number[] = [];
    const se: number[] = [];
    const sl: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      si.push(timeCmd(process.execPath, imafsSmall));
      se.push(timeCmd('evmctl', evmSmall));
      sl.push(await timeAsync(async () => {
        for (const f of small) {
          const r = appraiseFileSync(f, { keyring, policy });
          if (r.verdict.code !== 'ok') throw new Error(`${f}: ${r.verdict.reason}`);
        }
      }));
    }
    row(`${SMALL_COUNT} x 1 KiB files (CLI)`, si, se);
    process.stdout.write(`  in-process appraiseFileSync loop: ${median(sl).toFixed(1)} ms (${(median(sl) * 1000 / SMALL_COUNT).toFixed(1)} us/file)\n`);
  } finally {
    t.cleanup();
  }
}
