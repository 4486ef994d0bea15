import test from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../client/rpc/buffer-pool.js';

test('large records come from the pool and their memory is reused after recycle', () => {
  const p = new BufferPool(1024, 4096, 2);
  const a = p.take(3000);
  assert.equal(a.length, 3000);
  assert.equal(a.buffer.byteLength, 4096);
  p.recycle(a.subarray(100, 200)); // any view into the record returns it
  assert.equal(p.freeCount, 1);
  p.recycle(a);
  assert.equal(p.freeCount, 1, 'recycling twice is ignored');
  const b = p.take(4096);
  assert.equal(b.buffer, a.buffer);
  assert.equal(p.freeCount, 0);
});

test('small and oversized records are plain allocations; foreign buffers are ignored; the free list is bounded', () => {
  const p = new BufferPool(1024, 4096, 2);
  const small = p.take(100);
  const big = p.take(5000);
  p.recycle(small);
  p.recycle(big);
  p.recycle(Buffer.alloc(4096));
  assert.equal(p.freeCount, 0);
  const bufs = [p.take(2000), p.take(2000), p.take(2000)];
  for (const b of bufs) p.recycle(b);
  assert.equal(p.freeCount, 2);
});
