/**
 * Hostile and broken peers never stop imafs serve: random records, every
 * truncation of a valid COMPOUND, records split into single bytes, an
 * oversized record header, thousands of pipelined calls from a client that
 * does not read, and clients vanishing with replies in flight. After each,
 * a fresh client still gets answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { frameRecord } from '../../../client/rpc/record-marking.js';
import { MSG_ACCEPTED, SUCCESS } from '../../../client/rpc/rpc-message.js';
import { getfhOp, lookupOp, putrootfhOp, readOp } from '../../../client/nfs4/index.js';
import { tmpDir, writeContent, type TmpDir } from '../../helpers/ima-keys.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { RawNfs } from './raw-nfs.js';

let t: TmpDir;
let srv: ServeHandle;

async function stillServes(): Promise<void> {
  const c = await RawNfs.connect(srv.port);
  try {
    const r = await c.call(0);
    assert.equal(r.header.replyStat === MSG_ACCEPTED && r.header.accepted.stat, SUCCESS);
    const l = await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'data.bin' }], [getfhOp, {}]]);
    assert.equal(l.status, 0);
  } finally {
    c.close();
  }
}

/** A valid NFSv4.0 COMPOUND call record (xid first). */
function validCall(xid: number): Buffer {
  const args = RawNfs.compoundArgs(0, [[putrootfhOp, {}], [lookupOp, { objname: 'data.bin' }], [readOp, { stateid: { seqid: 0, other: Buffer.alloc(12) }, offset: 0n, count: 4096 }]]);
  const head = Buffer.alloc(40);
  [xid, 0, 2, 100003, 4, 1, 0, 0, 0, 0].forEach((v, i) => head.writeUInt32BE(v, i * 4));
  return Buffer.concat([head, args]);
}

before(async () => {
  t = tmpDir('imafs-serve-robust-');
  writeContent(path.join(t.dir, 'data.bin'), 8 * 1024 * 1024, 11);
  writeFileSync(path.join(t.dir, 'small'), 'x');
  srv = await startImafsServe(t.dir);
});
after(async () => {
  await srv?.stop();
  t?.cleanup();
});

test('2000 random records on one connection: each is answered or dropped, the server keeps serving', async () => {
  const c = await RawNfs.connect(srv.port);
  for (let i = 0; i < 2000; i++) {
    const len = 4 + Math.floor(Math.random() * 300);
    const rec = randomBytes(len);
    // Half of them look like calls to the NFS program, so decoding goes deeper.
    if (i % 2 === 0 && len >= 24) [0, 2, 100003, 4, 1].forEach((v, k) => rec.writeUInt32BE(v, 4 + k * 4));
    for (const b of frameRecord([rec])) c.writeRaw(b);
  }
  await new Promise((r) => setTimeout(r, 500));
  if (!c.closed) assert.equal((await c.call(0)).header.replyStat, MSG_ACCEPTED);
  c.close();
  await stillServes();
});

test('3000 well-framed COMPOUNDs of random ops with random arguments: every one answered, no internal error', async () => {
  const c = await RawNfs.connect(srv.port);
  // Seed a few real handles so some random ops reach deep into the handlers.
  const l = await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'data.bin' }], [getfhOp, {}]]);
  const fh = (l.results[2].res as unknown as { resok: { object: Buffer } }).resok.object;
  const ops = Array.from({ length: 76 }, (_, i) => i).filter((o) => o >= 3);
  let answered = 0;
  for (let i = 0; i < 3000; i++) {
    const minor = i % 3;
    const parts: Buffer[] = [];
    const n = 1 + Math.floor(Math.random() * 4);
    const head = Buffer.alloc(52);
    [50_000 + i, 0, 2, 100003, 4, 1, 0, 0, 0, 0, 0, minor, n].forEach((v, k) => head.writeUInt32BE(v, k * 4));
    parts.push(head);
    for (let k = 0; k < n; k++) {
      const op = k === 0 && Math.random() < 0.5 ? 22 : ops[Math.floor(Math.random() * ops.length)];
      const word = Buffer.alloc(4);
      word.writeUInt32BE(op, 0);
      parts.push(word);
      if (op === 22) {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(fh.length, 0);
        parts.push(len, fh);
      } else {
        const r = randomBytes(Math.floor(Math.random() * 20) * 4);
        // Small numbers make lengths and enums plausible more often.
        for (let j = 0; j < r.length; j += 4) if (Math.random() < 0.6) r.writeUInt32BE(r[j] % 8, j);
        parts.push(r);
      }
    }
    const rep = await c.request(Buffer.concat(parts));
    assert.equal(rep.readUInt32BE(4), 1, 'a REPLY');
    answered++;
  }
  c.close();
  assert.equal(answered, 3000);
  assert.doesNotMatch(srv.output(), /internal error/);
  await stillServes();
});

test('every truncation of a valid COMPOUND gets GARBAGE_ARGS or a BADXDR result, never a crash', async () => {
  const c = await RawNfs.connect(srv.port);
  const full = validCall(1);
  const statuses = new Set<string>();
  for (let cut = 40; cut < full.length; cut++) {
    const rec = Buffer.from(full.subarray(0, cut));
    rec.writeUInt32BE(1000 + cut, 0);
    const rep = await c.request(rec);
    const acc = rep.readUInt32BE(8) === 0 ? rep.readUInt32BE(20) : -1;
    statuses.add(acc === 4 ? 'GARBAGE_ARGS' : acc === 0 ? `nfs:${rep.readUInt32BE(24)}` : `other:${acc}`);
  }
  c.close();
  assert.ok([...statuses].every((s) => s === 'GARBAGE_ARGS' || s === 'nfs:10036'), [...statuses].join(','));
  assert.ok(statuses.has('GARBAGE_ARGS') && statuses.has('nfs:10036'));
  await stillServes();
});

test('a record delivered one byte at a time is reassembled and answered', async () => {
  const sock = net.connect({ host: '127.0.0.1', port: srv.port });
  await new Promise((r) => sock.once('connect', r));
  const got: Buffer[] = [];
  sock.on('data', (d) => got.push(d));
  const framed = Buffer.concat(frameRecord([validCall(77)]));
  for (const b of framed) {
    sock.write(Buffer.from([b]));
    await new Promise((r) => setImmediate(r));
  }
  for (let i = 0; i < 100 && Buffer.concat(got).length < 4096; i++) await new Promise((r) => setTimeout(r, 20));
  const rep = Buffer.concat(got);
  sock.destroy();
  assert.equal(rep.readUInt32BE(4), 77);
  assert.equal(rep.readUInt32BE(28), 0, 'COMPOUND status NFS4_OK');
  assert.ok(rep.length > 4096);
});

test('an oversized record header closes only that connection', async () => {
  const bad = await RawNfs.connect(srv.port);
  const good = await RawNfs.connect(srv.port);
  bad.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]));
  assert.equal(await bad.waitClosed(5000), true, 'the server drops a peer whose stream cannot be framed');
  assert.equal((await good.call(0)).header.replyStat, MSG_ACCEPTED);
  good.close();
  await srv.waitForOutput(/exceeds the limit/);
});

test('3000 pipelined READs from a client that reads late: all answered, in any order, none lost', async () => {
  const sock = net.connect({ host: '127.0.0.1', port: srv.port });
  await new Promise((r) => sock.once('connect', r));
  sock.pause();
  const n = 3000;
  for (let i = 0; i < n; i++) for (const b of frameRecord([validCall(10_000 + i)])) sock.write(b);
  await new Promise((r) => setTimeout(r, 1000));
  const seen = new Set<number>();
  let buf = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.size} of ${n} replies`)), 60_000);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0) & 0x7fffffff;
        if (buf.length < 4 + len) break;
        seen.add(buf.readUInt32BE(4));
        buf = buf.subarray(4 + len);
      }
      if (seen.size === n) { clearTimeout(timer); resolve(); }
    });
    sock.resume();
  });
  sock.destroy();
  assert.equal(seen.size, n);
  await stillServes();
});

test('clients that disconnect with 1 MiB READ replies in flight harm no one', async () => {
  for (let k = 0; k < 10; k++) {
    const sock = net.connect({ host: '127.0.0.1', port: srv.port });
    await new Promise((r) => sock.once('connect', r));
    for (let i = 0; i < 20; i++) {
      const args = RawNfs.compoundArgs(0, [[putrootfhOp, {}], [lookupOp, { objname: 'data.bin' }], [readOp, { stateid: { seqid: 0, other: Buffer.alloc(12) }, offset: BigInt(i) << 20n, count: 1 << 20 }]]);
      const head = Buffer.alloc(40);
      [i + 1, 0, 2, 100003, 4, 1, 0, 0, 0, 0].forEach((v, j) => head.writeUInt32BE(v, j * 4));
      for (const b of frameRecord([head, args])) sock.write(b);
    }
    await new Promise((r) => setTimeout(r, 5 * k));
    sock.destroy();
  }
  await new Promise((r) => setTimeout(r, 300));
  await stillServes();
  assert.ok(!/internal error/.test(srv.output()), srv.output());
});
