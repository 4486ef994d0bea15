import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { XdrWriter } from '../../../client/xdr/xdr-writer.js';

/** Hex with spaces/newlines/| allowed, so vectors can be laid out field by field. */
export function hex(s: string): Buffer {
  const clean = s.replace(/[\s|]/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`bad hex vector: ${s}`);
  return Buffer.from(clean, 'hex');
}

/** Bytes written by `fn`. */
export function enc(fn: (w: XdrWriter) => void): Buffer {
  const w = new XdrWriter(16);
  fn(w);
  return w.finish();
}

/** Decodes all of `buf` with `fn`, insisting every byte is consumed. */
export function dec<T>(buf: Buffer, fn: (r: XdrReader) => T): T {
  const r = new XdrReader(buf);
  const v = fn(r);
  r.assertEnd();
  return v;
}

import assert from 'node:assert/strict';
import { XdrError } from '../../../client/errors.js';
import type { OpCodec } from '../../../client/nfs4/op-codec.js';

/**
 * A literal vector for one side of an op codec: encoding `value` gives exactly
 * `bytes`, decoding `bytes` gives `value`, every strict prefix of `bytes` is an
 * XdrError, and one extra word is left unread (so a COMPOUND decode would fail).
 */
export function checkVector<A, R extends { status: number }>(
  codec: OpCodec<A, R>, side: 'args' | 'res', value: A | R, bytes: Buffer,
): void {
  const e = enc((w) => (side === 'args' ? codec.encodeArgs(w, value as A) : codec.encodeRes(w, value as R)));
  assert.equal(e.toString('hex'), bytes.toString('hex'), `${codec.name} ${side} encoding`);
  const decode = (b: Buffer) => dec(b, (r) => (side === 'args' ? codec.decodeArgs(r) : codec.decodeRes(r)));
  assert.deepEqual(decode(bytes), value, `${codec.name} ${side} decoding`);
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(() => decode(bytes.subarray(0, n)), XdrError, `${codec.name} ${side} prefix of ${n} bytes`);
  }
  assert.throws(() => decode(Buffer.concat([bytes, Buffer.alloc(4)])),
    (err: unknown) => err instanceof XdrError && err.code === 'IMAFS_XDR_TRAILING_BYTES');
}
