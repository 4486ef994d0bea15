/**
 * XdrWriter.string's short-ASCII path (RFC 4506 §4.11: length, bytes, zero
 * fill to four) gives the same bytes as the general path, falls back for
 * non-ASCII text without leaving stray bytes, and keeps the maximum.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrError } from '../../../client/errors.js';
import { XdrWriter } from '../../../client/xdr/xdr-writer.js';

const enc = (f: (w: XdrWriter) => void): string => {
  const w = new XdrWriter(8);
  f(w);
  return w.finish().toString('hex');
};

test('string: short ASCII strings, every fill length', () => {
  assert.equal(enc((w) => w.string('', 10)), '00000000');
  assert.equal(enc((w) => w.string('a', 10)), '00000001' + '61000000');
  assert.equal(enc((w) => w.string('ab', 10)), '00000002' + '61620000');
  assert.equal(enc((w) => w.string('abc', 10)), '00000003' + '61626300');
  assert.equal(enc((w) => w.string('true', 10)), '00000004' + '74727565');
  // Dirty scratch memory must not leak into the fill bytes.
  assert.equal(enc((w) => { w.uint32(0xffffffff).uint32(0xffffffff); w.chunks(); w.string('x', 4); }), 'ffffffffffffffff' + '00000001' + '78000000');
});

test('string: non-ASCII falls back to UTF-8 bytes, and what follows lands right after', () => {
  assert.equal(enc((w) => w.string('aé', 10).uint32(7)), '00000003' + '61c3a900' + '00000007');
  assert.equal(enc((w) => w.string('€', 10)), '00000003' + 'e282ac00');
});

test('string: 64 characters and more, and the maximum', () => {
  const s64 = 'x'.repeat(64);
  const s65 = 'y'.repeat(65);
  assert.equal(enc((w) => w.string(s64, 100)), '00000040' + '78'.repeat(64));
  assert.equal(enc((w) => w.string(s65, 100)), '00000041' + '79'.repeat(65) + '000000');
  assert.throws(() => new XdrWriter().string('abcd', 3, 'component4'), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
  assert.throws(() => new XdrWriter().string('é', 1), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
});

test('writing after chunks() goes on in a new buffer', () => {
  const w = new XdrWriter(4);
  w.uint32(1);
  assert.deepEqual(w.chunks().map((c) => c.toString('hex')), ['00000001']);
  w.uint32(2).string('ab', 8);
  assert.equal(w.finish().toString('hex'), '00000001' + '00000002' + '00000002' + '61620000');
  assert.equal(w.length, 16);
});
