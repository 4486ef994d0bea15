import test from 'node:test';
import assert from 'node:assert/strict';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { XdrWriter } from '../../../client/xdr/xdr-writer.js';
import { XdrError } from '../../../client/errors.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function throwsXdr(fn: () => unknown, code: string) {
  assert.throws(fn, (e: unknown) => e instanceof XdrError && e.code === code);
}

test('integers: literal RFC 4506 §4.1-4.5 encodings', () => {
  const w = new XdrWriter(4);
  w.uint32(0xdeadbeef).int32(-2).uint64(0x0102030405060708n).int64(-1n).bool(true).bool(false);
  assert.equal(w.finish().toString('hex'), 'deadbeef' + 'fffffffe' + '0102030405060708' + 'ffffffffffffffff' + '00000001' + '00000000');
  const r = new XdrReader(w.finish());
  assert.equal(r.uint32(), 0xdeadbeef);
  assert.equal(r.int32(), -2);
  assert.equal(r.uint64(), 0x0102030405060708n);
  assert.equal(r.int64(), -1n);
  assert.equal(r.bool(), true);
  assert.equal(r.bool(), false);
  r.assertEnd();
});

test('uint64 keeps values above 2^53 exactly', () => {
  const r = new XdrReader(hex('ffffffff fffffffe'));
  assert.equal(r.uint64(), 0xfffffffffffffffen);
});

test('variable opaque: length, bytes, zero padding', () => {
  const w = new XdrWriter();
  w.opaqueVar(Buffer.from([1, 2, 3, 4, 5]), 8);
  assert.equal(w.finish().toString('hex'), '00000005' + '0102030405' + '000000');
  const r = new XdrReader(w.finish());
  assert.deepEqual([...r.opaqueVar(8)], [1, 2, 3, 4, 5]);
  r.assertEnd();
});

test('string<> is UTF-8 with padding', () => {
  const w = new XdrWriter();
  w.string('é', 10);
  assert.equal(w.finish().toString('hex'), '00000002' + 'c3a9' + '0000');
  assert.equal(new XdrReader(w.finish()).string(10), 'é');
});

test('fixed opaque is padded and length-checked on write', () => {
  const w = new XdrWriter();
  w.opaqueFixed(Buffer.from('abcdef', 'hex'), 3);
  assert.equal(w.finish().toString('hex'), 'abcdef00');
  throwsXdr(() => new XdrWriter().opaqueFixed(Buffer.alloc(2), 3), 'IMAFS_XDR_BAD_VALUE');
});

test('large opaques are passed by reference, not copied', () => {
  const big = Buffer.alloc(8192, 7);
  const w = new XdrWriter();
  w.uint32(1).opaqueVar(big, 1 << 20).uint32(2);
  const chunks = w.chunks();
  assert.ok(chunks.includes(big), 'the payload buffer itself is one of the chunks');
  const r = new XdrReader(w.finish());
  assert.equal(r.uint32(), 1);
  assert.equal(r.opaqueVar(1 << 20).length, 8192);
  assert.equal(r.uint32(), 2);
  r.assertEnd();
});

test('large opaque with odd length gets its padding after the referenced chunk', () => {
  const big = Buffer.alloc(5000 + 1, 1);
  const out = new XdrWriter().opaqueVar(big, 1 << 20).uint32(9).finish();
  assert.equal(out.length, 4 + 5001 + 3 + 4);
  assert.deepEqual([...out.subarray(4 + 5001, 4 + 5004)], [0, 0, 0]);
});

test('short buffer is a typed error with the offset', () => {
  const r = new XdrReader(hex('000000'));
  assert.throws(() => r.uint32(), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_SHORT_BUFFER' && e.offset === 0);
  throwsXdr(() => new XdrReader(hex('00000008 01020304')).opaqueVar(16), 'IMAFS_XDR_SHORT_BUFFER');
  throwsXdr(() => new XdrReader(hex('00000001 01')).opaqueVar(16), 'IMAFS_XDR_SHORT_BUFFER');
});

test('non-zero padding is refused', () => {
  throwsXdr(() => new XdrReader(hex('00000001 01 000100')).opaqueVar(16), 'IMAFS_XDR_BAD_PADDING');
  throwsXdr(() => new XdrReader(hex('0102 0304')).opaqueFixed(3), 'IMAFS_XDR_BAD_PADDING');
});

test('oversized lengths are refused before reading', () => {
  throwsXdr(() => new XdrReader(hex('00001001')).opaqueVar(4096), 'IMAFS_XDR_TOO_LONG');
  throwsXdr(() => new XdrReader(hex('ffffffff')).array(100, (r) => r.uint32()), 'IMAFS_XDR_TOO_LONG');
  // A count within the maximum that the buffer cannot hold fails without allocating.
  throwsXdr(() => new XdrReader(hex('00000064 00000001')).array(1000, (r) => r.uint32()), 'IMAFS_XDR_SHORT_BUFFER');
  throwsXdr(() => new XdrWriter().opaqueVar(Buffer.alloc(5), 4), 'IMAFS_XDR_TOO_LONG');
  throwsXdr(() => new XdrWriter().array([1, 2, 3], 2, (w, v) => w.uint32(v)), 'IMAFS_XDR_TOO_LONG');
});

test('trailing bytes are detected', () => {
  const r = new XdrReader(hex('00000001 00000002'));
  r.uint32();
  throwsXdr(() => r.assertEnd(), 'IMAFS_XDR_TRAILING_BYTES');
});

test('bool other than 0/1 and enum outside its set are refused', () => {
  throwsXdr(() => new XdrReader(hex('00000002')).bool(), 'IMAFS_XDR_BAD_VALUE');
  throwsXdr(() => new XdrReader(hex('00000007')).enumOf(new Set([1, 2]), 'ftype'), 'IMAFS_XDR_BAD_VALUE');
  assert.equal(new XdrReader(hex('00000002')).enumOf(new Set([1, 2]), 'ftype'), 2);
});

test('optional-data list decodes iteratively and honours its maximum', () => {
  const w = new XdrWriter();
  const items = Array.from({ length: 200_000 }, (_, i) => i);
  w.list(items, (ww, v) => ww.uint32(v));
  const r = new XdrReader(w.finish());
  const got = r.list(1_000_000, (rr) => rr.uint32());
  assert.equal(got.length, 200_000);
  assert.equal(got[199_999], 199_999);
  r.assertEnd();
  throwsXdr(() => new XdrReader(w.finish()).list(10, (rr) => rr.uint32()), 'IMAFS_XDR_TOO_LONG');
});

test('optional value', () => {
  const w = new XdrWriter();
  w.optional(5, (ww, v) => ww.uint32(v)).optional<number>(undefined, (ww, v) => ww.uint32(v));
  assert.equal(w.finish().toString('hex'), '00000001' + '00000005' + '00000000');
  const r = new XdrReader(w.finish());
  assert.equal(r.optional((rr) => rr.uint32()), 5);
  assert.equal(r.optional((rr) => rr.uint32()), undefined);
});

test('writer refuses out-of-range integers and unaligned raw data', () => {
  throwsXdr(() => new XdrWriter().uint32(-1), 'IMAFS_XDR_BAD_VALUE');
  throwsXdr(() => new XdrWriter().uint32(2 ** 32), 'IMAFS_XDR_BAD_VALUE');
  throwsXdr(() => new XdrWriter().int32(2 ** 31), 'IMAFS_XDR_BAD_VALUE');
  throwsXdr(() => new XdrWriter().raw(Buffer.alloc(3)), 'IMAFS_XDR_BAD_VALUE');
});

test('reader returns views, not copies', () => {
  const buf = hex('00000004 61626364');
  const v = new XdrReader(buf).opaqueVar(4);
  assert.equal(v.buffer, buf.buffer);
});

test('fuzz: random bytes through every primitive give typed errors only', () => {
  let seed = 0x1234567;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 20_000; i++) {
    const buf = Buffer.alloc(Math.floor(rnd() * 40));
    for (let j = 0; j < buf.length; j++) buf[j] = rnd() < 0.6 ? 0 : Math.floor(rnd() * 256);
    const r = new XdrReader(buf);
    try {
      for (let k = 0; k < 8; k++) {
        switch (Math.floor(rnd() * 6)) {
          case 0: r.uint32(); break;
          case 1: r.opaqueVar(16); break;
          case 2: r.string(8); break;
          case 3: r.array(4, (rr) => rr.uint64()); break;
          case 4: r.list(4, (rr) => rr.opaqueVar(8)); break;
          default: r.bool();
        }
      }
    } catch (e) {
      assert.ok(e instanceof XdrError, `unexpected ${String(e)}`);
    }
  }
});
