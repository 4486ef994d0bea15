/**
 * Many files through the appraisal pool (appraiser/io/appraisal-pool.ts,
 * appraise-local-files.ts) and `imafs verify --threads`: 300 files mixing
 * every outcome, in a fixed pattern, so a pool that lost, duplicated,
 * reordered or mis-attributed a file fails on an exact per-path verdict.
 * Also: a worker that dies while holding files fails closed, never hangs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';
import { makeKey, tmpDir, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import {
  Policy, appraise, createBlobMeasurer, loadKeyring, loadSigningKey, readImaXattr, signFile, writeImaXattr, measureFile,
  type Keyring, type Verdict,
} from '../../../appraiser/index.js';
import { appraiseLocalFiles } from '../../../appraiser/io/appraise-local-files.js';
import type { LocalFileResult } from '../../../appraiser/io/appraise-local-file.js';
import { AppraisalPool, type AppraisalJob } from '../../../appraiser/io/appraisal-pool.js';

const CRASHING = new URL('./crashing-appraisal-worker.js', import.meta.url);
const N = 300;
/** What file i is, by i % KINDS.length; the expected verdict code follows. */
const KINDS = ['good-rsa', 'tampered', 'unsigned', 'digest-only', 'forged-keyid', 'unknown-key', 'good-ec', 'missing'] as const;
const EXPECT: Record<(typeof KINDS)[number], string> = {
  'good-rsa': 'ok', tampered: 'digest-mismatch', unsigned: 'no-metadata', 'digest-only': 'ok',
  'forged-keyid': 'bad-signature', 'unknown-key': 'unknown-key', 'good-ec': 'ok', missing: 'error',
};
const kindOf = (i: number): (typeof KINDS)[number] => KINDS[i % KINDS.length];

/** The verdict code of one result, 'error' for a file that could not be appraised. */
const codeOf = (r: LocalFileResult): string => ('error' in r ? 'error' : r.decision.verdict.code);

describe('appraisal pool: 300 mixed files', () => {
  let t: TmpDir;
  let rsa: TestKey;
  let ec: TestKey;
  let files: string[];
  let keyring: Keyring;
  const policy = new Policy();

  before(async () => {
    t = tmpDir('imafs-pool-');
    rsa = makeKey(t.dir, 'rsa2048', { name: 'pool-rsa' });
    ec = makeKey(t.dir, 'p256', { name: 'pool-ec' });
    const other = makeKey(t.dir, 'rsa2048', { name: 'pool-other' });
    const [skRsa, skEc, skOther] = await Promise.all([rsa, ec, other].map((k) => loadSigningKey(k.key, { certFile: k.cert })));
    files = [];
    for (let i = 0; i < N; i++) {
      const kind = kindOf(i);
      // The kind and index are in the name, so a mis-attributed result names the wrong file.
      const f = join(t.dir, `${String(i).padStart(3, '0')}-${kind}`);
      files.push(f);
      if (kind === 'missing') continue;
      writeFileSync(f, randomBytes(200 + (i % 50) * 37));
      if (kind === 'good-rsa' || kind === 'tampered') await signFile(f, skRsa);
      if (kind === 'tampered') appendFileSync(f, 'x');
      if (kind === 'digest-only') await signFile(f, null, { digestOnly: true, algo: 'sha512' });
      if (kind === 'good-ec') await signFile(f, skEc, { algo: 'sha384' });
      if (kind === 'unknown-key' || kind === 'forged-keyid') {
        const blob = await signFile(f, skOther);
        if (kind === 'forged-keyid') {
          blob.writeUInt32BE(skRsa.keyid, 3); // signature_v2_hdr keyid: claim the trusted key
          await writeImaXattr(f, blob);
        }
      }
    }
    keyring = await loadKeyring({ keys: [rsa.cert, ec.cert] });
  });
  after(() => t?.cleanup());

  function assertExact(results: LocalFileResult[], label: string): void {
    assert.equal(results.length, N, `${label}: one result per file`);
    for (let i = 0; i < N; i++) {
      assert.equal(results[i].path, files[i], `${label}: result ${i} is for its own file`);
      assert.equal(codeOf(results[i]), EXPECT[kindOf(i)], `${label}: ${files[i]}`);
      if ('error' in results[i]) assert.equal((results[i] as { error: { code?: string } }).error.code, 'ENOENT', files[i]);
    }
  }

  it('workers only (main thread idle), small shards: exact verdict per path, each file once, in order', async () => {
    const byThread: Array<[number, readonly number[]]> = [];
    const seen: number[] = [];
    const results = await appraiseLocalFiles(files, {
      keyring, policy, access: 'read', workers: 2, mainThreadWorks: false, shardSize: 7,
      onAppraised: (thread, indices) => byThread.push([thread, indices]),
      onResult: (_r, i) => seen.push(i),
    });
    assertExact(results, 'workers only');
    assert.deepEqual(seen, files.map((_f, i) => i), 'onResult once per file, in argument order');
    assert.ok(byThread.every(([thread]) => thread !== 0), 'nothing ran on the main thread');
    assert.ok(byThread.every(([, idx]) => idx.length <= 7), 'messages of at most shardSize files');
    assert.deepEqual(byThread.flatMap(([, idx]) => idx).sort((a, b) => a - b), files.map((_f, i) => i), 'every file exactly once');
  });

  it('main thread reads, workers verify: every signature check accounted for once', async () => {
    const byThread = new Map<number, number[]>();
    const results = await appraiseLocalFiles(files, {
      keyring, policy, access: 'read', workers: 2,
      onAppraised: (thread, indices) => byThread.set(thread, [...(byThread.get(thread) ?? []), ...indices]),
    });
    assertExact(results, 'main + 2 workers');
    const all = [...byThread.values()].flat().sort((a, b) => a - b);
    // Files that exist go through appraise() once, on some thread; missing ones fail at stat() on the main thread.
    assert.deepEqual(all, files.map((_f, i) => i).filter((i) => kindOf(i) !== 'missing'));
  });

  it('main thread plus one worker, and no worker at all, give the same results', async () => {
    const a = await appraiseLocalFiles(files, { keyring, policy, access: 'read', workers: 1, shardSize: 5 });
    const b = await appraiseLocalFiles(files, { keyring, policy, access: 'read', workers: 0 });
    assertExact(a, 'main + 1 worker');
    assertExact(b, 'no worker');
    const strip = (r: LocalFileResult): unknown => ('error' in r ? r.error : { ...r.decision, digest: Buffer.from(r.digest ?? []).toString('hex'), blob: Buffer.from(r.blob ?? []).toString('hex') });
    assert.deepEqual(a.map(strip), b.map(strip));
  });

  it('a worker that dies holding files: those files get IMAFS_WORKER errors, the rest are appraised, no hang', async () => {
    const results = await appraiseLocalFiles(files, { keyring, policy, access: 'read', workers: 2, mainThreadWorks: false, shardSize: 5, workerUrl: CRASHING });
    assert.equal(results.length, N);
    let lost = 0;
    for (let i = 0; i < N; i++) {
      const r = results[i];
      assert.equal(r.path, files[i]);
      if ('error' in r && r.error.code === 'IMAFS_WORKER') {
        lost++;
        assert.match(r.error.message, /not appraised: appraisal worker exited \(code 7\)/);
      } else assert.equal(codeOf(r), EXPECT[kindOf(i)], files[i]);
    }
    // Each worker held at most its first 4 messages of 5 files when it died; the main thread took over the rest.
    assert.ok(lost >= 5 && lost <= 2 * 4 * 5, `files lost with the crashed workers: ${lost}`);
  });

  it('crashing workers while the main thread reads and sends signature checks: every file exact or IMAFS_WORKER', async () => {
    const many = Array.from({ length: 4 }, () => files).flat(); // enough files for the workers to start in time
    const results = await appraiseLocalFiles(many, { keyring, policy, access: 'read', workers: 2, workerUrl: CRASHING });
    assert.equal(results.length, many.length);
    for (let i = 0; i < many.length; i++) {
      const r = results[i];
      assert.equal(r.path, many[i]);
      if ('error' in r && r.error.code === 'IMAFS_WORKER') assert.match(r.error.message, /exited \(code 7\)/);
      else assert.equal(codeOf(r), EXPECT[kindOf(i % N)], many[i]);
    }
  });

  describe('AppraisalPool: pure jobs', () => {
    let jobs: AppraisalJob[];
    let expected: Verdict[];
    before(async () => {
      jobs = [];
      for (let i = 0; i < N; i++) {
        if (kindOf(i) === 'missing') continue;
        const blob = await readImaXattr(files[i]);
        const m = createBlobMeasurer(blob);
        jobs.push({ blob, digest: m ? await measureFile(files[i], m) : null, path: files[i], access: i % 3 === 0 ? 'exec' : 'read' });
      }
      const fixed = new Date();
      for (const j of jobs) j.options = { ...policy.appraiseOptions(j), now: fixed };
      expected = jobs.map((j) => appraise({ blob: j.blob, digest: j.digest, keyring, options: j.options }));
      assert.ok(expected.some((v) => v.code === 'ok') && expected.some((v) => v.code === 'bad-signature'));
    });

    it('appraiseBatch and appraise() give exactly the in-process verdicts, in order', async () => {
      const pool = AppraisalPool.create({ keyring, policy, workers: 2, batchSize: 16 });
      try {
        assert.equal(pool.size, 2);
        assert.deepEqual(await pool.appraiseBatch(jobs), expected);
        assert.deepEqual(await Promise.all(jobs.map((j) => pool.appraise(j))), expected);
      } finally {
        await pool.close();
      }
      await assert.rejects(pool.appraise(jobs[0]), { code: 'IMAFS_WORKER', message: /closed/ });
      const inline = AppraisalPool.create({ keyring, policy, workers: 0 });
      assert.deepEqual(await inline.appraiseBatch(jobs), expected);
      await inline.close();
    });

    it('default options are the policy\'s, evaluated in the worker', async () => {
      const strictSig = new Policy({ requireSignature: true });
      const pool = AppraisalPool.create({ keyring, policy: strictSig, workers: 1 });
      try {
        const plain = jobs.map(({ options: _o, ...j }) => j);
        const got = await pool.appraiseBatch(plain);
        for (let k = 0; k < plain.length; k++) {
          const want = appraise({ blob: plain[k].blob, digest: plain[k].digest, keyring, options: strictSig.appraiseOptions(plain[k]) });
          assert.equal(got[k].code, want.code, plain[k].path);
        }
        assert.ok(got.some((v) => v.code === 'signature-required'));
      } finally {
        await pool.close();
      }
    });

    it('crashed workers: held jobs reject with IMAFS_WORKER, then every job does; never hangs', async () => {
      const pool = AppraisalPool.create({ keyring, policy, workers: 2, batchSize: 8, workerUrl: CRASHING });
      try {
        const settled = await Promise.allSettled(jobs.map((j) => pool.appraise(j)));
        assert.ok(settled.every((s) => s.status === 'rejected' && (s.reason as { code?: string }).code === 'IMAFS_WORKER'));
        await assert.rejects(pool.appraiseBatch(jobs.slice(0, 3)), { code: 'IMAFS_WORKER', message: /no appraisal worker is alive|exited \(code 7\)/ });
      } finally {
        await pool.close();
      }
    });
  });

  describe('imafs verify --threads', () => {
    function verify(...args: string[]): { status: number; stdout: string; stderr: string } {
      const r = spawnSync(process.execPath, [IMAFS_BIN, 'verify', '--keys', rsa.cert, '--keys', ec.cert, ...args, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    }

    it('--json with 2 worker threads: exact verdict per path in argument order, exit 1', () => {
      const r = verify('--json', '--threads', '2');
      assert.equal(r.status, 1, r.stderr);
      const rows = JSON.parse(r.stdout) as Array<{ path: string; verdict: string; allowed: boolean; reason: string }>;
      assert.deepEqual(rows.map((x) => x.path), files);
      assert.deepEqual(rows.map((x) => x.verdict), files.map((_f, i) => EXPECT[kindOf(i)]));
      assert.deepEqual(rows.map((x) => x.allowed), files.map((_f, i) => EXPECT[kindOf(i)] === 'ok'));
      assert.ok(rows.filter((x) => x.verdict === 'error').every((x) => x.reason === 'cannot read: ENOENT'));
    });

    it('text output and exit code are identical with and without threads', () => {
      const none = verify('--threads', '0');
      const two = verify('--threads', '2');
      assert.equal(none.status, 1);
      assert.equal(two.status, 1);
      assert.equal(two.stdout, none.stdout);
      const lines = none.stdout.trimEnd().split('\n');
      assert.equal(lines.length, N);
      assert.equal(lines[7], `${files[7]}: denied error (cannot read: ENOENT)`);
      assert.match(lines[0], /: allowed ok \(signature verified with key [0-9a-f]{8} from .*pool-rsa\.crt\)$/);
    });

    it('threads started before the keys load stop when the keys or the log fail: exit 2, no hang', () => {
      const key = verify('--threads', '2', '--keys', join(t.dir, 'no-such.crt'));
      assert.equal(key.status, 2);
      assert.match(key.stderr, /no-such\.crt: cannot read key: ENOENT \[IMAFS_KEY_LOAD\]/);
      assert.equal(key.stdout, '');
      const log = verify('--threads', '2', '--log', join(t.dir, 'no-such-dir', 'log'));
      assert.equal(log.status, 2);
      assert.match(log.stderr, /cannot open measurement log/);
    });

    it('--threads rejects a bad value with exit 2', () => {
      const r = verify('--threads', 'many');
      assert.equal(r.status, 2);
      assert.match(r.stderr, /--threads must be an integer from 0 to 256/);
    });
  });
});
