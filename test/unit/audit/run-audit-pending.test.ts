/**
 * runAudit with verdicts computed elsewhere (PendingResult): the worker moves
 * on while a verdict is pending, so `jobs` bounds fetching, not waiting; every
 * pending verdict is in the report; a rejected one is that file's read error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditSource } from '../../../appraiser/audit/audit-source.js';
import type { AuditFileResult } from '../../../appraiser/audit/audit-types.js';
import { runAudit, type PendingResult } from '../../../appraiser/audit/run-audit.js';

const N = 50;

function source(): AuditSource {
  return {
    imaSupported: true,
    root: async () => ({ path: '', type: 'directory', size: 0, mode: 0o755 }),
    list: async () => Array.from({ length: N }, (_, i) => ({ path: `f${String(i).padStart(2, '0')}`, type: 'file' as const, size: i, mode: 0o644 })),
    readIma: async () => Buffer.alloc(0),
    read: () => (async function* () { /* empty */ })(),
    close: async () => {},
  };
}

test('pending verdicts: workers keep fetching; every verdict reported; a rejection is a read error', async () => {
  const release: (() => void)[] = [];
  let fetched = 0;
  let inFetch = 0;
  let maxInFetch = 0;
  const report = runAudit({
    source: source(), sourceName: 'synthetic', policyName: 'strict', jobs: 3,
    appraiseFile: async (f): Promise<AuditFileResult | PendingResult> => {
      inFetch++;
      maxInFetch = Math.max(maxInFetch, inFetch);
      await new Promise((r) => setImmediate(r));
      inFetch--;
      fetched++;
      const n = Number(f.path.slice(1));
      const ok: AuditFileResult = { path: `/${f.path}`, size: n, code: 'ok', reason: 'fine', allowed: true, appraised: true };
      if (n % 10 === 0) return ok; // computed inline
      return {
        pending: new Promise<AuditFileResult>((resolve, reject) => {
          release.push(() => (n === 7 ? reject(Object.assign(new Error('appraisal worker crashed'), { code: 'IMAFS_WORKER' })) : resolve(ok)));
        }),
      };
    },
  });
  // Every file is fetched although no pending verdict has come back: 3 workers never wait for one.
  for (let i = 0; i < 200 && fetched < N; i++) await new Promise((r) => setImmediate(r));
  assert.equal(fetched, N);
  assert.equal(maxInFetch, 3);
  assert.equal(release.length, N - N / 10);
  for (const r of release) r();
  const rep = await report;
  assert.equal(rep.summary.files, N);
  assert.deepEqual(rep.summary.byCode, { ok: N - 1, 'read-error': 1 });
  const f07 = rep.results.find((r) => r.path === '/f07')!;
  assert.deepEqual([f07.allowed, f07.reason, f07.error], [false, 'appraisal worker crashed', { code: 'IMAFS_WORKER' }]);
  assert.deepEqual(rep.results.map((r) => r.path), Array.from({ length: N }, (_, i) => `/f${String(i).padStart(2, '0')}`));
  assert.equal(rep.summary.bytes, (N * (N - 1)) / 2 - 7);
  assert.ok(rep.results.every((r) => typeof r.ms === 'number' && r.ms >= 0));
});
