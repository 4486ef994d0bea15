import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ContentCache } from '../../../appraiser/fuse/content-cache.js';

async function put(c: ContentCache, data: Buffer): Promise<string> {
  const w = await c.reserve(data.length);
  await w.write(data);
  const id = createHash('sha256').update(data).digest('hex');
  await w.commit(id);
  return id;
}

test('content cache: stores, serves exact bytes, evicts least recently used, never pinned ones', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imafs-cc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const c = await ContentCache.open({ dir, maxBytes: 3000 });
  const a = await put(c, Buffer.alloc(1000, 1));
  const b = await put(c, Buffer.alloc(1000, 2));
  const pinned = await c.openObject(a);
  assert.ok(pinned);
  const buf = Buffer.alloc(1000);
  assert.equal(readSync(pinned!.fd, buf, 0, 1000, 0), 1000);
  assert.ok(buf.equals(Buffer.alloc(1000, 1)));
  const d = await put(c, Buffer.alloc(1000, 3));
  assert.equal(c.usedBytes, 3000);
  // a is pinned (and most recently used), so b goes.
  await put(c, Buffer.alloc(1000, 4));
  assert.equal(c.has(a), true);
  assert.equal(c.has(b), false);
  assert.equal(c.has(d), true);
  assert.equal(c.usedBytes, 3000);
  await assert.rejects(c.reserve(3001), { code: 'IMAFS_CACHE_FULL' });
  await pinned!.release();
  await c.destroy();
  assert.equal(existsSync(c.runDir), false);
});

test('content cache: an aborted write leaves nothing and frees its reservation; duplicates are stored once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imafs-cc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const c = await ContentCache.open({ dir, maxBytes: 4096 });
  const w = await c.reserve(4000);
  await w.write(Buffer.alloc(100));
  await w.abort();
  assert.equal(c.usedBytes, 0);
  assert.deepEqual(readdirSync(join(c.runDir, 'tmp')), []);
  const id1 = await put(c, Buffer.from('same'));
  const id2 = await put(c, Buffer.from('same'));
  assert.equal(id1, id2);
  assert.equal(c.size, 1);
  assert.equal(c.usedBytes, 4);
  await c.destroy();
});

test('content cache: run directories of dead processes are removed at start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imafs-cc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'run-999999999-abcd'), { recursive: true });
  const c = await ContentCache.open({ dir, maxBytes: 10 });
  assert.equal(existsSync(join(dir, 'run-999999999-abcd')), false);
  await c.destroy();
});

test('content cache: a second open of an object pins it without waiting; releaseNow unpins', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imafs-cc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const c = await ContentCache.open({ dir, maxBytes: 2000 });
  const a = await put(c, Buffer.alloc(1000, 1));
  assert.equal(c.openObjectNow(a), null, 'descriptor not open yet: use openObject()');
  assert.equal(c.openObjectNow('0'.repeat(64)), undefined, 'unknown object');
  const first = await c.openObject(a);
  const second = c.openObjectNow(a);
  assert.ok(first && second);
  assert.equal(second.fd, first.fd);
  first.releaseNow();
  first.releaseNow(); // twice is once
  await put(c, Buffer.alloc(1000, 2));
  await put(c, Buffer.alloc(1000, 3));
  assert.equal(c.has(a), true, 'still pinned by the second open');
  second.releaseNow();
  await put(c, Buffer.alloc(1000, 4));
  assert.equal(c.has(a), false, 'evicted once unpinned');
  assert.equal(c.openObjectNow(a), undefined);
  await c.destroy();
});
