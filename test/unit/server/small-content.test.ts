import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BigIntStats } from 'node:fs';
import { MAX_FILE, SmallContent } from '../../../server/fs/small-content.js';
import { TwoGenCache } from '../../../server/fs/two-gen-cache.js';

const NOW = 1_800_000_000_000;
function st(o: Partial<Record<'ino' | 'size' | 'mtimeNs' | 'ctimeNs' | 'birthtimeNs' | 'dev', bigint>> = {}): BigIntStats {
  const old = BigInt(NOW - 60_000) * 1_000_000n;
  return { dev: 1n, ino: 7n, size: 4n, mtimeNs: old, ctimeNs: old, birthtimeNs: old, ...o } as unknown as BigIntStats;
}

test('SmallContent: kept bytes come back only for the same identity, size, mtime and ctime', () => {
  for (const change of [{ ino: 8n }, { dev: 2n }, { birthtimeNs: 5n }, { mtimeNs: 6n }, { ctimeNs: 6n }, { size: 5n }]) {
    const c = new SmallContent();
    assert.equal(c.wants(st(), NOW), true);
    c.put('k', st(), Buffer.from('abcd'), NOW);
    assert.equal(c.get('k', st(change), NOW), undefined, JSON.stringify(change, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(c.size, 0, 'a mismatch drops the copy');
  }
  const c = new SmallContent();
  c.put('k', st(), Buffer.from('abcd'), NOW);
  assert.deepEqual(c.get('k', st(), NOW + 10), Buffer.from('abcd'));
  assert.equal(c.hits, 1);
});

test('SmallContent: refuses recent ctimes, large files, and a copy whose length is not the size', () => {
  const c = new SmallContent();
  assert.equal(c.wants(st({ ctimeNs: BigInt(NOW - 500) * 1_000_000n }), NOW), false, 'changed half a second ago');
  assert.equal(c.wants(st({ size: BigInt(MAX_FILE + 1) }), NOW), false);
  assert.equal(c.wants(st({ size: BigInt(MAX_FILE) }), NOW), true);
  c.put('k', st({ size: 5n }), Buffer.from('abcd'), NOW);
  assert.equal(c.size, 0);
});

test('SmallContent: entries expire within two periods (2-4 s) and never outlive them', () => {
  const c = new SmallContent();
  c.wants(st(), NOW);
  c.put('a', st(), Buffer.from('aaaa'), NOW);
  assert.ok(c.get('a', st(), NOW + 1999));
  c.wants(st(), NOW + 2000); // rotation: 'a' is now in the old generation, still served
  assert.ok(c.get('a', st(), NOW + 2500));
  c.wants(st(), NOW + 4000); // second rotation drops it
  assert.equal(c.get('a', st(), NOW + 4000), undefined);
  c.put('b', st(), Buffer.from('bbbb'), NOW + 4000);
  assert.equal(c.get('b', st(), NOW + 8001), undefined, 'served only while younger than two periods');
});

test('SmallContent: bounded by entry count (refuses new ones when full)', () => {
  const c = new SmallContent();
  let n = 0;
  while (c.wants(st(), NOW) && n < 100_000) c.put(`k${n++}`, st(), Buffer.from('abcd'), NOW);
  assert.equal(n, 16_384);
  assert.ok(c.get('k0', st(), NOW), 'the oldest (next to be read) are kept, the newest refused');
});

test('TwoGenCache: bounded to two generations, promotes what is used, drops the rest whole', () => {
  const c = new TwoGenCache<string, number>(3);
  for (let i = 0; i < 100; i++) {
    c.set(`k${i}`, i);
    assert.ok(c.size <= 6, `size ${c.size}`);
  }
  assert.equal(c.get('k0'), undefined, 'unused entries are dropped');
  assert.equal(c.get('k99'), 99);
  const d = new TwoGenCache<string, number>(2);
  d.set('a', 1);
  d.set('b', 2);
  d.set('c', 3); // a, b become the old generation
  assert.equal(d.get('a'), 1); // promoted into the current generation
  d.set('e', 5); // current (c, a) full: rotates, dropping b
  assert.equal(d.get('b'), undefined);
  assert.equal(d.get('a'), 1);
  d.delete('a');
  assert.equal(d.get('a'), undefined);
  assert.throws(() => new TwoGenCache(0), RangeError);
});

test('TwoGenCache: a weight bound rotates like the entry bound, and a replaced key leaves no stale copy', () => {
  const c = new TwoGenCache<string, Buffer>(100, { of: (b) => b.length, max: 10 });
  c.set('a', Buffer.alloc(6));
  c.set('b', Buffer.alloc(4)); // weight 10: still one generation
  c.set('c', Buffer.alloc(1)); // 11 > 10: a, b become the old generation
  c.set('d', Buffer.alloc(9)); // 1 + 9: fits
  c.set('e', Buffer.alloc(1)); // 11 > 10: rotates again, dropping a and b
  assert.equal(c.get('a'), undefined);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('c')?.length, 1);
  assert.equal(c.size, 3);
  // Replacing a key of the old generation: one copy, counted once.
  const d = new TwoGenCache<string, Buffer>(100, { of: (b) => b.length, max: 10 });
  d.set('x', Buffer.alloc(5));
  d.set('y', Buffer.alloc(6)); // rotates: x is old
  d.set('x', Buffer.alloc(4)); // 6 + 4: current holds y, x
  assert.equal(d.size, 2);
  assert.equal(d.get('x')?.length, 4);
  d.delete('y');
  d.set('z', Buffer.alloc(6)); // 4 + 6 = 10 after the delete gave y's weight back: no rotation
  assert.equal(d.get('x')?.length, 4);
  assert.equal(d.size, 2);
});
