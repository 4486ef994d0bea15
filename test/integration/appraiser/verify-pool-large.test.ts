/**
 * The pool's thread planning (plannedWorkers) and large files on worker
 * threads (the asynchronous, double-buffered read path inside a worker).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { makeKey, tmpDir, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { Policy, loadKeyring, loadSigningKey, signFile } from '../../../appraiser/index.js';
import { POOL_MIN_BYTES, POOL_MIN_FILES, appraiseLocalFiles, plannedWorkers } from '../../../appraiser/io/appraise-local-files.js';

describe('appraisal pool: planning and large files', () => {
  let t: TmpDir;
  let key: TestKey;
  let big: string[];
  let small: string[];
  const cpus = Math.max(1, availableParallelism() - 1);

  before(async () => {
    t = tmpDir('imafs-pool-large-');
    key = makeKey(t.dir, 'rsa2048', { name: 'large' });
    const sk = await loadSigningKey(key.key, { certFile: key.cert });
    big = [0, 1, 2].map((i) => join(t.dir, `big${i}`));
    for (const [i, f] of big.entries()) {
      writeFileSync(f, `head ${i}\n`);
      truncateSync(f, (POOL_MIN_BYTES >> 1) + i); // sparse: cheap to make, still hashed byte by byte
      await signFile(f, sk);
    }
    small = [0, 1].map((i) => join(t.dir, `small${i}`));
    for (const f of small) { writeFileSync(f, f); await signFile(f, sk); }
  });
  after(() => t?.cleanup());

  it('plannedWorkers: none for one or a few small files, some for many files or many bytes', () => {
    assert.equal(plannedWorkers([]), 0);
    assert.equal(plannedWorkers([big[0]]), 0, 'one file never gets a thread');
    assert.equal(plannedWorkers(small), 0);
    assert.equal(plannedWorkers([big[0], small[0]]), 0, 'under POOL_MIN_BYTES in all');
    assert.equal(plannedWorkers(big), Math.min(cpus, 2), '3 files over POOL_MIN_BYTES in all');
    const missing = Array.from({ length: POOL_MIN_FILES - 1 }, (_v, i) => join(t.dir, `nope${i}`));
    assert.equal(plannedWorkers(missing), 0);
    assert.equal(plannedWorkers([...missing, 'x']), 1);
    assert.equal(plannedWorkers(Array.from({ length: POOL_MIN_FILES * 8 }, () => 'x')), Math.min(cpus, 8));
  });

  it('large files appraised on worker threads verify like on the main thread', async () => {
    const keyring = await loadKeyring({ keys: [key.cert] });
    const o = { keyring, policy: new Policy(), access: 'read' as const };
    const shards: number[] = [];
    const threaded = await appraiseLocalFiles(big, { ...o, workers: 2, mainThreadWorks: false, onAppraised: (thread, idx) => { if (thread !== 0) shards.push(idx.length); } });
    const inline = await appraiseLocalFiles(big, { ...o, workers: 0 });
    assert.deepEqual(shards.sort(), [1, 1, 1], 'one large file per shard, all on workers');
    for (const [i, r] of threaded.entries()) {
      assert.ok('decision' in r, big[i]);
      assert.equal(r.decision.verdict.code, 'ok', big[i]);
      assert.deepEqual(Buffer.from(r.digest!), Buffer.from((inline[i] as typeof r).digest!), `${big[i]} digest`);
    }
  });
});
