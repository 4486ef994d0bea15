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
