/**
 * PooledVerifier: verdicts from the worker threads are exactly the inline
 * ones (real evmctl signatures, real worker_threads), the pool starts only
 * when this thread is busy and the audit big enough, and a pool that cannot
 * start leaves appraisal on this thread with the same verdicts.
 */
import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PooledVerifier } from '../../../appraiser/audit/pooled-verifier.js';
import { appraise } from '../../../appraiser/core/appraise.js';
import { Policy } from '../../../appraiser/core/policy.js';
import type { Keyring } from '../../../appraiser/core/keyring.js';
import type { Verdict } from '../../../appraiser/core/verdict.js';
import { readImaXattrSync } from '../../../appraiser/io/ima-xattr.js';
import { loadKeyring } from '../../../appraiser/io/load-keyring.js';
import { makeSignedTree, TREE_PATHS } from '../../integration/audit/signed-tree.js';
import { tmpDir, type TmpDir } from '../../helpers/ima-keys.js';

let t: TmpDir;
let keyring: Keyring;
const policy = new Policy({ mode: 'strict' });
/** Every file of the signed tree as a job: its blob (a view into a larger buffer, as READDIR gives it) and digest. */
const jobs: { path: string; blob: Buffer | null; digest: Buffer | null }[] = [];

before(async () => {
  t = tmpDir('imafs-pooled-verifier-');
  const { tree, key } = makeSignedTree(join(t.dir, 'tree'), t.dir);
  keyring = await loadKeyring({ keys: [key.cert] });
  for (const p of TREE_PATHS) {
    const raw = readImaXattrSync(join(tree, p));
    const big = Buffer.alloc(128 * 1024);
    const blob = raw ? (raw.copy(big, 1000), big.subarray(1000, 1000 + raw.length)) : null;
    // sha256 for every file is enough here: sha512 and digest-mismatch verdicts both come from wrong digests.
    jobs.push({ path: p, blob, digest: hash('sha256', readFileSync(join(tree, p)), 'buffer') });
  }
});

after(() => t?.cleanup());

const ctx = (path: string) => ({ path, access: 'read' as const });
const inline = (j: (typeof jobs)[number]): Verdict => appraise({ blob: j.blob, digest: j.digest, keyring, options: policy.appraiseOptions(ctx(j.path)) });

async function waitPooled(v: PooledVerifier): Promise<void> {
  for (let i = 0; i < 400 && !v.pooled; i++) {
    // A verify call samples "busy" every 50 ms and starts the pool past the threshold.
    v.verify(null, null, ctx('/warm'));
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(v.pooled, 'pool never became ready');
}

test('verdicts from the worker threads equal the inline verdicts, file by file', async () => {
  const v = new PooledVerifier({ keyring, policy, threshold: 1, isBusy: () => true, idleCores: () => 1 });
  try {
    await waitPooled(v);
    const before = v.offloaded;
    const got = await Promise.all(jobs.map((j) => v.verify(j.blob, j.digest, ctx(j.path))));
    assert.equal(v.offloaded - before, jobs.length);
    assert.deepEqual(got, jobs.map(inline));
    assert.deepEqual([...new Set(got.map((x) => x.code))].sort(), ['digest-mismatch', 'no-metadata', 'ok', 'unknown-format', 'unknown-key']);
  } finally {
    await v.close();
  }
});

for (const [what, isBusy, idle] of [['an idle thread (waiting for a server)', false, 1], ['a busy thread on a machine without an idle core', true, 0.2]] as const) {
  test(`${what} never starts the pool: every verdict is computed inline`, async () => {
    let created = 0;
    const v = new PooledVerifier({ keyring, policy, threshold: 1, isBusy: () => isBusy, idleCores: () => idle, createPool: () => { created++; throw new Error('not expected'); } });
    for (let i = 0; i < 5; i++) {
      for (const j of jobs) assert.deepEqual(v.verify(j.blob, j.digest, ctx(j.path)), inline(j));
      await new Promise((r) => setTimeout(r, 60));
    }
    await v.close();
    assert.equal(created, 0);
    assert.equal(v.offloaded, 0);
  });
}

test('a pool that cannot start leaves appraisal inline, same verdicts', async () => {
  let created = 0;
  const v = new PooledVerifier({ keyring, policy, threshold: 1, isBusy: () => true, idleCores: () => 1, createPool: () => { created++; throw new Error('no threads here'); } });
  for (let i = 0; i < 4; i++) {
    for (const j of jobs) assert.deepEqual(v.verify(j.blob, j.digest, ctx(j.path)), inline(j));
    await new Promise((r) => setTimeout(r, 60));
  }
  await v.close();
  assert.equal(created, 1);
  assert.equal(v.offloaded, 0);
});

test('no trusted key: nothing to check, no threads; signatures are unknown-key', async () => {
  let created = 0;
  const v = new PooledVerifier({ keyring: null, policy, threshold: 1, isBusy: () => true, idleCores: () => 1, createPool: () => { created++; throw new Error('not expected'); } });
  const codes: string[] = [];
  for (let i = 0; i < 3; i++) {
    for (const j of jobs) {
      const got = v.verify(j.blob, j.digest, ctx(j.path)) as Verdict;
      assert.deepEqual(got, appraise({ blob: j.blob, digest: j.digest, keyring: null, options: policy.appraiseOptions(ctx(j.path)) }));
      if (i === 0) codes.push(got.code);
    }
    await new Promise((r) => setTimeout(r, 60));
  }
  await v.close();
  assert.equal(created, 0);
  assert.deepEqual([...new Set(codes)].sort(), ['digest-mismatch', 'no-metadata', 'ok', 'unknown-format', 'unknown-key']);
});
