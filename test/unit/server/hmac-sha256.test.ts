import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { HmacSha256 } from '../../../server/fs/hmac-sha256.js';
import { FileHandleCodec } from '../../../server/fs/file-handle.js';

test('HmacSha256 equals createHmac for keys shorter than, equal to and longer than the block, and any message length', () => {
  for (const keyLen of [16, 32, 63, 64, 65, 200]) {
    const key = Buffer.alloc(keyLen);
    for (let i = 0; i < keyLen; i++) key[i] = (i * 31 + keyLen) & 0xff;
    const h = new HmacSha256(key);
    for (const msgLen of [0, 1, 28, 55, 56, 64, 100, 1000]) {
      const msg = Buffer.alloc(msgLen, msgLen & 0xff);
      assert.deepEqual(h.mac(msg), createHmac('sha256', key).update(msg).digest(), `key ${keyLen} msg ${msgLen}`);
    }
  }
});

test('HmacSha256: RFC 4231 test case 2 (key "Jefe")', () => {
  const h = new HmacSha256(Buffer.from('Jefe'));
  assert.equal(h.mac(Buffer.from('what do ya want for nothing?')).toString('hex'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('file handles keep their documented MAC: HMAC-SHA256(key, bytes 0..27), first 16 bytes', () => {
  const key = Buffer.alloc(32, 9);
  const fh = new FileHandleCodec(key).encode({ dev: 7n, ino: 42n, gen: 123456789n });
  assert.deepEqual(fh.subarray(28, 44), createHmac('sha256', key).update(fh.subarray(0, 28)).digest().subarray(0, 16));
});

test('a handle the codec handed out is accepted by a later decode without error, and equals a fresh decode', () => {
  const key = Buffer.alloc(32, 3);
  const c = new FileHandleCodec(key);
  const id = { dev: 1n, ino: 2n, gen: 3n };
  const fh = c.encode(id);
  assert.deepEqual(c.decode(fh), id);
  assert.deepEqual(new FileHandleCodec(key).decode(fh), id);
  const forged = Buffer.from(fh);
  forged[43] ^= 1;
  assert.equal(c.decode(forged), undefined, 'remembering handed-out handles does not admit a modified one');
});
