/**
 * The audit engine over a real signed local tree, with fault injection where a
 * real source cannot be made to fail on cue (root can read everything): one
 * file whose read fails with an NFS status, one directory whose listing fails.
 * Also: --jobs really bounds and fills the parallelism.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AuditEntry, AuditSource } from '../../../appraiser/audit/audit-source.js';
import { createFileAppraiser } from '../../../appraiser/audit/file-appraiser.js';
import { openLocalSource } from '../../../appraiser/audit/open-source.js';
import { MAX_BACKLOG, runAudit } from '../../../appraiser/audit/run-audit.js';
import { Policy } from '../../../appraiser/core/policy.js';
import { loadKeyring } from '../../../appraiser/io/load-keyring.js';
import { NfsError } from '../../../client/errors.js';
import { evmSign, makeKey, tmpDir, writeContent, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';

let t: TmpDir;
let key: TestKey;
let tree: string;
const N = 24;

before(() => {
  t = tmpDir('imafs-audit-engine-');
  key = makeKey(t.dir, 'p256', { name: 'pub' });
  tree = join(t.dir, 'tree');
  mkdirSync(join(tree, 'locked'), { recursive: true });
  for (let i = 0; i < N; i++) {
    const f = join(tree, `f${String(i).padStart(2, '0')}`);
    writeContent(f, 1000 + i, i + 1);
    evmSign(f, key, 'sha256');
  }
  writeContent(join(tree, 'locked', 'inner'), 10, 99);
});

after(() => t?.cleanup());

/** Wraps a real source; injects failures and observes concurrency. */
function faulty(inner: AuditSource, opts: { failRead?: string; failList?: string; delayMs?: number }) {
  let inFlight = 0;
  let maxInFlight = 0;
  const src: AuditSource = {
    get imaSupported() { return inner.imaSupported; },
    root: () => inner.root(),
    list: async (d: AuditEntry) => {
      if (d.path === opts.failList) throw new NfsError(13, 'NFS4ERR_ACCESS', 'READDIR', `/${d.path}`);
      return await inner.list(d);
    },
    readIma: async (f: AuditEntry) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        return await inner.readIma(f);
      } finally {
        inFlight--;
      }
    },
    read: (f: AuditEntry) => {
      if (f.path === opts.failRead) {
        return (async function* () { throw new NfsError(5, 'NFS4ERR_IO', 'READ', `/${f.path}`); })();
      }
      return inner.read(f);
    },
    close: () => inner.close(),
  };
  return { src, max: () => maxInFlight };
}

async function audit(src: AuditSource, jobs: number) {
  const keyring = await loadKeyring({ keys: [key.cert] });
  return await runAudit({ source: src, sourceName: tree, policyName: 'strict', jobs, appraiseFile: createFileAppraiser({ keyring, policy: new Policy({ mode: 'strict' }) }) });
}

test('per-file NFS errors are results, not fatal; counts exact', async () => {
  const { src } = faulty(openLocalSource(tree), { failRead: 'f03', failList: 'locked' });
  const rep = await audit(src, 4);
  assert.equal(rep.summary.files, N + 1);
  assert.deepEqual(rep.summary.byCode, { ok: N - 1, 'read-error': 2 });
  assert.equal(rep.summary.errors, 2);
  assert.equal(rep.summary.denied, 2);
  const f03 = rep.results.find((r) => r.path === '/f03')!;
  assert.deepEqual(f03.error, { code: 'IMAFS_NFS_STATUS', status: 'NFS4ERR_IO' });
  assert.equal(f03.allowed, false);
  assert.equal(f03.reason, 'READ /f03 failed: NFS4ERR_IO');
  const locked = rep.results.find((r) => r.path === '/locked')!;
  assert.deepEqual(locked.error, { code: 'IMAFS_NFS_STATUS', status: 'NFS4ERR_ACCESS' });
});

for (const jobs of [1, 5, 64]) {
  test(`--jobs ${jobs}: at most ${Math.min(jobs, N + 1)} files in flight, and that many reached`, async () => {
    const { src, max } = faulty(openLocalSource(tree), { delayMs: 20 });
    const rep = await audit(src, jobs);
    assert.deepEqual(rep.summary.byCode, { 'no-metadata': 1, ok: N });
    assert.equal(max(), Math.min(jobs, N + 1));
  });
}

test('a source whose root cannot be reached throws IMAFS_SOURCE_UNREACHABLE', async () => {
  await assert.rejects(audit(openLocalSource(join(t.dir, 'missing')), 2), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, 'IMAFS_SOURCE_UNREACHABLE');
    assert.match(e.message!, /missing/);
    return true;
  });
});

test('a tree larger than the backlog bound: listed only as fast as it is appraised, every file once', async () => {
  // A synthetic source: 4 directories of 15,000 names. Real files would only make this slow.
  const DIRS = 4;
  const PER = 15_000;
  let listed = 0;
  let appraised = 0;
  let maxAhead = 0;
  const src: AuditSource = {
    imaSupported: true,
    root: async () => ({ path: '', type: 'directory', size: 0, mode: 0o755 }),
    list: async (d) => {
      if (d.path === '') return Array.from({ length: DIRS }, (_, i) => ({ path: `d${i}`, type: 'directory' as const, size: 0, mode: 0o755 }));
      listed += PER;
      return Array.from({ length: PER }, (_, i) => ({ path: `${d.path}/f${i}`, type: 'file' as const, size: 1, mode: 0o644 }));
    },
    readIma: async () => Buffer.alloc(0),
    read: () => (async function* () { /* empty */ })(),
    close: async () => {},
  };
  const rep = await runAudit({
    source: src, sourceName: 'synthetic', policyName: 'strict', jobs: 16,
    appraiseFile: async (f) => {
      maxAhead = Math.max(maxAhead, listed - appraised);
      await new Promise((r) => setImmediate(r));
      appraised++;
      return { path: `/${f.path}`, size: 0, code: 'ok', reason: 'synthetic', allowed: true, appraised: true };
    },
  });
  assert.equal(rep.summary.files, DIRS * PER);
  assert.equal(new Set(rep.results.map((r) => r.path)).size, DIRS * PER);
  assert.ok(maxAhead <= MAX_BACKLOG + PER, `walker ran ${maxAhead} files ahead`);
});
