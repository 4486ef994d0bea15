/**
 * fetchContent with the hashing thread (files >= offloadMinBytes): the digest
 * is of exactly the bytes stored in the cache, for chunks smaller and larger
 * than a ring slot; a failing cache write fails the fetch (no hang, nothing
 * kept); a file that changes during the fetch is fetched again.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentCache, type CacheWriter } from '../../../appraiser/fuse/content-cache.js';
import { fetchContent, type FetchOptions } from '../../../appraiser/fuse/fetch-content.js';
import { writeContent } from '../../helpers/ima-keys.js';
import { LocalTree } from './local-tree.js';

const dirs: string[] = [];
const tmp = (p: string): string => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sha = (algo: string, b: Buffer): Buffer => createHash(algo).update(b).digest();
const noBlob = { wantIma: false, digestAlgoFor: () => null } as const;

async function cacheIn(maxBytes = 64 << 20): Promise<ContentCache> {
  const c = await ContentCache.open({ dir: tmp('imafs-fetch-cache-'), maxBytes });
  after(() => c.destroy());
  return c;
}

function objectBytes(c: ContentCache, id: string): Buffer {
  return readFileSync(join(c.runDir, 'objects', id));
}

for (const chunkSize of [64 * 1024, 1 << 20, 3 * (1 << 20) + 5]) {
  test(`hashed on the hashing thread, ${chunkSize}-byte chunks: digests and cached bytes equal the file`, async () => {
    const d = tmp('imafs-fetch-');
    const size = 9 * (1 << 20) + 12345;
    writeContent(join(d, 'big'), size, 3);
    const want = readFileSync(join(d, 'big'));
    const cache = await cacheIn();
    const f = await fetchContent({
      tree: new LocalTree(d, { chunkSize }), path: 'big', cache, wantIma: false,
      digestAlgoFor: () => ({ algo: 'sha512', node: 'sha512' }), offloadMinBytes: 1 << 20,
    });
    assert.equal(f.size, size);
    assert.equal(f.contentId, sha('sha256', want).toString('hex'));
    assert.deepEqual(f.measured, { algo: 'sha512', digest: sha('sha512', want) });
    await f.commit();
    assert.ok(objectBytes(cache, f.contentId).equals(want));
  });
}

test('the hashing thread and inline hashing give the same digests for the same file', async () => {
  const d = tmp('imafs-fetch-');
  writeContent(join(d, 'f'), 5 * (1 << 20) + 1, 4);
  const cache = await cacheIn();
  const opts: FetchOptions = { tree: new LocalTree(d, { chunkSize: 256 * 1024 }), path: 'f', cache, ...noBlob };
  const off = await fetchContent({ ...opts, offloadMinBytes: 1 });
  const inline = await fetchContent({ ...opts, offloadMinBytes: Number.MAX_SAFE_INTEGER });
  assert.equal(off.contentId, inline.contentId);
  assert.ok(off.measured.digest.equals(inline.measured.digest));
  await off.discard();
  await inline.discard();
});

test('a cache write that fails fails the fetch at once, keeps nothing, and the next fetch works', async () => {
  const d = tmp('imafs-fetch-');
  writeContent(join(d, 'f'), 6 * (1 << 20), 5);
  const real = await cacheIn();
  let failAt = 2 << 20;
  const failing = {
    reserve: async (n: number): Promise<CacheWriter> => {
      const w = await real.reserve(n);
      return {
        fd: w.fd, commit: (id) => w.commit(id), abort: () => w.abort(),
        write: (chunk, pos) => ((pos ?? 0) >= failAt ? Promise.reject(Object.assign(new Error('no space left'), { code: 'ENOSPC' })) : w.write(chunk, pos)),
      };
    },
  } as unknown as ContentCache;
  await assert.rejects(
    fetchContent({ tree: new LocalTree(d, { chunkSize: 1 << 20 }), path: 'f', cache: failing, ...noBlob, offloadMinBytes: 1 }),
    { code: 'ENOSPC' },
  );
  assert.equal(real.usedBytes, 0);
  assert.deepEqual(readdirSync(join(real.runDir, 'tmp')), []);
  failAt = Infinity;
  const ok = await fetchContent({ tree: new LocalTree(d, { chunkSize: 1 << 20 }), path: 'f', cache: failing, ...noBlob, offloadMinBytes: 1 });
  assert.equal(ok.contentId, sha('sha256', readFileSync(join(d, 'f'))).toString('hex'));
  await ok.discard();
});

test('a big file rewritten during the fetch is fetched again and the digest is of the final bytes', async () => {
  const d = tmp('imafs-fetch-');
  const f = join(d, 'racy');
  writeContent(f, 8 << 20, 6);
  let rewrites = 1;
  const tree = new LocalTree(d, {
    chunkSize: 1 << 20,
    onChunk: (_p, n) => {
      if (rewrites > 0 && n >= 3 << 20) {
        rewrites--;
        writeContent(`${f}.new`, 8 << 20, 7);
        writeFileSync(f, readFileSync(`${f}.new`));
      }
    },
  });
  const cache = await cacheIn();
  const r = await fetchContent({ tree, path: 'racy', cache, ...noBlob, offloadMinBytes: 1 });
  assert.equal(r.attempts, 2);
  assert.equal(tree.calls.reads, 2);
  assert.equal(r.contentId, sha('sha256', readFileSync(f)).toString('hex'));
  await r.commit();
  assert.ok(objectBytes(cache, r.contentId).equals(readFileSync(f)));
});

test('concurrent big fetches share the hashing thread, each with its own ring, and get their own digests', async () => {
  const d = tmp('imafs-fetch-');
  const names = ['a', 'b', 'c'];
  names.forEach((n, i) => writeContent(join(d, n), 6 * (1 << 20) + i * 4099, 20 + i));
  const cache = await cacheIn();
  const got = await Promise.all(names.map((n) => fetchContent({ tree: new LocalTree(d, { chunkSize: 512 * 1024 }), path: n, cache, ...noBlob, offloadMinBytes: 1 })));
  got.forEach((f, i) => assert.equal(f.contentId, sha('sha256', readFileSync(join(d, names[i]))).toString('hex')));
  await Promise.all(got.map((f) => f.commit()));
  got.forEach((f, i) => assert.ok(objectBytes(cache, f.contentId).equals(readFileSync(join(d, names[i])))));
});
