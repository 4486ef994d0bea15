import test from 'node:test';
import assert from 'node:assert/strict';
import { frameRecord, RecordParser } from '../../../client/rpc/record-marking.js';
import { RpcError } from '../../../client/errors.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function collect(max = 1 << 20) {
  const out: Buffer[] = [];
  const p = new RecordParser({ maxRecordSize: max, onRecord: (r) => out.push(Buffer.from(r)) });
  return { p, out };
}

test('one last fragment in one chunk is delivered as a view (no copy)', () => {
  const chunk = hex('80000008 0102030405060708');
  let got: Buffer | undefined;
  const p = new RecordParser({ maxRecordSize: 64, onRecord: (r) => { got = r; } });
  p.push(chunk);
  assert.equal(got!.toString('hex'), '0102030405060708');
  assert.equal(got!.buffer, chunk.buffer, 'record must be a view into the socket chunk');
  assert.equal(p.buffered, 0);
});

test('two fragments make one record; the last-fragment bit ends it', () => {
  const { p, out } = collect();
  p.push(hex('00000003 aabbcc 80000002 ddee'));
  assert.deepEqual(out.map((b) => b.toString('hex')), ['aabbccddee']);
});

test('header and body split byte by byte across chunks', () => {
  const { p, out } = collect();
  const all = hex('80000005 0102030405 80000001 ff');
  for (const b of all) p.push(Buffer.from([b]));
  assert.deepEqual(out.map((b) => b.toString('hex')), ['0102030405', 'ff']);
});

test('empty fragments and an empty record', () => {
  const { p, out } = collect();
  p.push(hex('00000000 80000000 00000000 80000001 07'));
  assert.deepEqual(out.map((b) => b.toString('hex')), ['', '07']);
});

test('record bound is checked when the header arrives, before any body byte', () => {
  const { p, out } = collect(16);
  assert.throws(() => p.push(hex('80000011')), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_RECORD_TOO_LARGE');
  assert.equal(out.length, 0);
  // The stream cannot be reframed after that.
  assert.throws(() => p.push(hex('80000001 00')), (e: unknown) => e instanceof RpcError);
});

test('record bound counts the sum of fragments', () => {
  const { p } = collect(8);
  p.push(hex('00000006 010203040506'));
  assert.throws(() => p.push(hex('80000003')), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_RECORD_TOO_LARGE');
});

test('a 2^31-1 byte header is refused without allocating', () => {
  const { p } = collect(1 << 20);
  assert.throws(() => p.push(hex('ffffffff')), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_RECORD_TOO_LARGE');
});

test('frameRecord: one fragment, header in front, body chunks untouched', () => {
  const a = hex('01020304');
  const b = hex('05060708');
  const framed = frameRecord([a, b]);
  assert.equal(Buffer.concat(framed).toString('hex'), '80000008' + '01020304' + '05060708');
  assert.equal(framed[1], a);
  assert.equal(framed[2], b);
});

test('frameRecord: split into fragments of at most maxFragment bytes', () => {
  const framed = Buffer.concat(frameRecord([hex('0102030405'), hex('06')], 4));
  assert.equal(framed.toString('hex'), '00000004 01020304 80000002 0506'.replace(/ /g, ''));
  const { p, out } = collect();
  p.push(framed);
  assert.equal(out[0].toString('hex'), '010203040506');
});

test('frameRecord: empty record', () => {
  assert.equal(Buffer.concat(frameRecord([])).toString('hex'), '80000000');
});

test('fuzz: random records, random fragmenting, random chunk splits reassemble exactly', () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const records: Buffer[] = [];
    const wire: Buffer[] = [];
    const n = 1 + rnd(8);
    for (let i = 0; i < n; i++) {
      const len = rnd(5) === 0 ? 0 : rnd(3000);
      const body = Buffer.alloc(len);
      for (let j = 0; j < len; j++) body[j] = rnd(256);
      records.push(body);
      const parts: Buffer[] = [];
      for (let at = 0; at < len;) {
        const k = 1 + rnd(700);
        parts.push(body.subarray(at, at + k));
        at += k;
      }
      wire.push(...frameRecord(parts, 1 + rnd(2000)));
    }
    const stream = Buffer.concat(wire);
    const { p, out } = collect(4000);
    for (let at = 0; at < stream.length;) {
      const k = 1 + rnd(rnd(4) === 0 ? 3 : 1500);
      p.push(stream.subarray(at, at + k));
      at += k;
    }
    assert.equal(out.length, records.length, `round ${round}`);
    for (let i = 0; i < records.length; i++) assert.ok(out[i].equals(records[i]), `round ${round} record ${i}`);
    assert.equal(p.buffered, 0);
  }
});

test('direct reads: a large fragment is filled in place, small records from a reused scratch are copied', () => {
  const out: Buffer[] = [];
  const p = new RecordParser({ maxRecordSize: 1 << 20, onRecord: (r) => out.push(r) });
  const scratch = Buffer.alloc(16);
  // A 4-byte record and the start of a 40-byte one arrive in the scratch buffer.
  hex('80000004 0a0b0c0d 80000028 0102').copy(scratch);
  assert.equal(p.directTarget(), undefined);
  p.push(scratch.subarray(0, 14), true);
  scratch.fill(0xee);
  assert.equal(out[0].toString('hex'), '0a0b0c0d', 'small record survives the scratch being reused');
  const t = p.directTarget()!;
  assert.equal(t.length, 38);
  Buffer.from(Array.from({ length: 38 }, (_, i) => i + 3)).copy(t);
  p.directWritten(20);
  assert.equal(p.directTarget()!.length, 18);
  p.directWritten(18);
  assert.equal(out.length, 2);
  assert.deepEqual([...out[1]], Array.from({ length: 40 }, (_, i) => i + 1));
  assert.equal(p.directTarget(), undefined);
  assert.throws(() => p.directWritten(1), RangeError);
});
