/**
 * createFileAppraiser on a source that has everything at hand (metadata and
 * content as plain values): the result comes back directly, not as a
 * Promise, and is exactly the result the same files get from a source that
 * answers with promises; the engine reports both the same.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { AuditEntry, AuditSource } from '../../../appraiser/audit/audit-source.js';
import type { AuditFileResult } from '../../../appraiser/audit/audit-types.js';
import { createFileAppraiser } from '../../../appraiser/audit/file-appraiser.js';
import { runAudit } from '../../../appraiser/audit/run-audit.js';
import { Policy } from '../../../appraiser/core/policy.js';

/** IMA_XATTR_DIGEST_NG (0x04), HASH_ALGO_SHA256 (4), sha256 of `content`. */
const digestBlob = (content: Buffer): Buffer => Buffer.concat([Buffer.from([0x04, 0x04]), createHash('sha256').update(content).digest()]);

interface F { content: Buffer; blob: Buffer; mode: number }
const FILES: Record<string, F> = {
  good: { content: Buffer.from('good'), blob: digestBlob(Buffer.from('good')), mode: 0o755 },
  tampered: { content: Buffer.from('tampered'), blob: digestBlob(Buffer.from('original')), mode: 0o644 },
  unsigned: { content: Buffer.from('x'), blob: Buffer.alloc(0), mode: 0o644 },
  garbage: { content: Buffer.from('y'), blob: Buffer.from('ff00', 'hex'), mode: 0o644 },
};

function source(sync: boolean): AuditSource {
  const f = (e: AuditEntry): F => FILES[e.path];
  return {
    imaSupported: true,
    root: async () => ({ path: '', type: 'directory', size: 0, mode: 0o755 }),
    list: async () => Object.entries(FILES).map(([path, v]) => ({ path, type: 'file' as const, size: v.content.length, mode: v.mode })),
    readIma: (e) => (sync ? f(e).blob : Promise.resolve(f(e).blob)),
    readWhole: (e) => (sync ? f(e).content : Promise.resolve(f(e).content)),
    read: (e) => (async function* () { yield f(e).content; })(),
    close: async () => {},
  };
}

test('a source with everything at hand: results directly, equal to the promise path', async () => {
  const appraise = createFileAppraiser({ keyring: null, policy: new Policy({ mode: 'strict' }) });
  for (const path of Object.keys(FILES)) {
    const e: AuditEntry = { path, type: 'file', size: FILES[path].content.length, mode: FILES[path].mode };
    const direct = appraise(e, source(true));
    assert.ok(!(direct instanceof Promise), `${path}: a result, not a promise`);
    const later = await appraise(e, source(false));
    assert.deepEqual(direct, later, path);
  }
  const codes = Object.fromEntries(Object.keys(FILES).map((path) => [path, (appraise({ path, type: 'file', size: 0, mode: FILES[path].mode }, source(true)) as AuditFileResult).code]));
  assert.deepEqual(codes, { good: 'ok', tampered: 'digest-mismatch', unsigned: 'no-metadata', garbage: 'unknown-format' });
});

test('the engine reports a synchronous and an asynchronous source alike', async () => {
  const strip = (r: AuditFileResult[]) => r.map(({ ms: _ms, ...rest }) => rest);
  const run = (sync: boolean) => runAudit({ source: source(sync), sourceName: 's', policyName: 'strict', jobs: 2, appraiseFile: createFileAppraiser({ keyring: null, policy: new Policy({ mode: 'strict' }) }) });
  const [a, b] = [await run(true), await run(false)];
  assert.deepEqual(strip(a.results), strip(b.results));
  assert.deepEqual(a.summary.byCode, { 'digest-mismatch': 1, 'no-metadata': 1, ok: 1, 'unknown-format': 1 });
  assert.deepEqual(a.summary.byCode, b.summary.byCode);
});
