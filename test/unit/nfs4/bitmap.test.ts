import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitmapFromWords, bitmapToWords, decodeBitmap4, encodeBitmap4, MAX_BITMAP_WORDS } from '../../../client/nfs4/bitmap.js';
import { XdrError } from '../../../client/errors.js';
import { dec, enc, hex } from './hex.js';

test('bitmap4: bit n is word n/32, bit n%32, word 0 first (RFC 8881 §3.3.8)', () => {
  assert.deepEqual(enc((w) => encodeBitmap4(w, [0, 1, 4, 33, 93])), hex('00000003 00000013 00000002 20000000'));
  assert.deepEqual(enc((w) => encodeBitmap4(w, [])), hex('00000000'));
  assert.deepEqual(enc((w) => encodeBitmap4(w, [31])), hex('00000001 80000000'));
  assert.deepEqual(dec(hex('00000003 00000013 00000002 20000000'), decodeBitmap4), [0, 1, 4, 33, 93]);
});

test('bitmap4: zero trailing words decode; order of input bits does not matter', () => {
  assert.deepEqual(dec(hex('00000003 00000001 00000000 00000000'), decodeBitmap4), [0]);
  assert.deepEqual(bitmapToWords([93, 0]), [1, 0, 0x20000000]);
  assert.deepEqual(bitmapFromWords([0xffffffff]), Array.from({ length: 32 }, (_, i) => i));
});

test('bitmap4: hard word limit both ways', () => {
  const words = '00000009' + '00000000'.repeat(9);
  assert.throws(() => dec(hex(words), decodeBitmap4), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
  assert.throws(() => enc((w) => encodeBitmap4(w, [MAX_BITMAP_WORDS * 32])), XdrError);
  assert.throws(() => enc((w) => encodeBitmap4(w, [-1])), XdrError);
  assert.throws(() => dec(hex('00000002 00000001'), decodeBitmap4), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_SHORT_BUFFER');
});
