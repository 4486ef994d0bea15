import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FH_SIZE, FileHandleCodec } from '../../../server/fs/file-handle.js';

const KEY = Buffer.alloc(32, 7);
const ID = { dev: 2049n, ino: 1234567890123n, gen: 1_700_000_000_123_456_789n };

test('file handle: 44 bytes, version 1, round-trips dev/ino/generation', () => {
  const c = new FileHandleCodec(KEY);
  const fh = c.encode(ID);
  assert.equal(fh.length, FH_SIZE);
  assert.equal(fh.length, 44);
  assert.deepEqual([...fh.subarray(0, 4)], [1, 0, 0, 0]);
  assert.equal(fh.readBigUInt64BE(4), 2049n);
  assert.equal(fh.readBigUInt64BE(12), 1234567890123n);
  assert.deepEqual(c.decode(fh), ID);
  assert.deepEqual(new FileHandleCodec(Buffer.from(KEY)).encode(ID), fh, 'same key, same handle (persistent handles)');
});

test('file handle: any flipped bit, wrong length, other version or other key is rejected', () => {
  const c = new FileHandleCodec(KEY);
  const fh = c.encode(ID);
  for (let i = 0; i < fh.length; i++) {
    for (const bit of [0x01, 0x80]) {
      const f = Buffer.from(fh);
      f[i] ^= bit;
      assert.equal(c.decode(f), undefined, `byte ${i} bit ${bit}`);
    }
  }
  assert.equal(c.decode(fh.subarray(0, 43)), undefined);
  assert.equal(c.decode(Buffer.concat([fh, Buffer.alloc(4)])), undefined);
  assert.equal(c.decode(Buffer.alloc(0)), undefined);
  assert.equal(new FileHandleCodec(Buffer.alloc(32, 8)).decode(fh), undefined);
  assert.equal(new FileHandleCodec().decode(fh), undefined, 'a random per-run key never accepts another run\'s handles');
});

test('file handle: keys shorter than 16 bytes are refused', () => {
  assert.throws(() => new FileHandleCodec(Buffer.alloc(15)), RangeError);
});
