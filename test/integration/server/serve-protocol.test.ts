/**
 * imafs serve at the RPC and COMPOUND level (RFC 5531 §9, RFC 8881 §16.2,
 * §2.10.6), driven by hand-built calls: every rejection is the one the RFC
 * prescribes, and sessions give exactly-once replies within negotiated limits.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FATTR4, NFS4ERR, NF4, decodeFattr, makeAttrConfig, getattrOp, getfhOp, lookupOp, lookuppOp, putrootfhOp, putfhOp,
  readOp, readdirOp, exchangeIdOp, sequenceOp, savefhOp, restorefhOp,
} from '../../../client/nfs4/index.js';
import { MSG_ACCEPTED, MSG_DENIED, PROG_MISMATCH, PROG_UNAVAIL, PROC_UNAVAIL, GARBAGE_ARGS, SUCCESS } from '../../../client/rpc/rpc-message.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { RawNfs, opStatus } from './raw-nfs.js';

let dir: string;
let srv: ServeHandle;
const cfg = makeAttrConfig(93);
const conns: RawNfs[] = [];
async function connect(): Promise<RawNfs> {
  const c = await RawNfs.connect(srv.port);
  conns.push(c);
  return c;
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'imafs-serve-proto-'));
  writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(100_000, 7));
  mkdirSync(path.join(dir, 'many'));
  for (let i = 0; i < 60; i++) writeFileSync(path.join(dir, 'many', `file-${String(i).padStart(3, '0')}`), `${i}\n`);
  srv = await startImafsServe(dir);
});
after(async () => {
  for (const c of conns) c.close();
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('RPC: NULL succeeds; wrong program, version, procedure, RPC version and flavor get the RFC 5531 replies', async () => {
  const c = await connect();
  const nul = await c.call(0);
  assert.equal(nul.header.replyStat, MSG_ACCEPTED);
  assert.equal(nul.header.replyStat === MSG_ACCEPTED && nul.header.accepted.stat, SUCCESS);
  assert.equal(nul.body.remaining, 0);

  const prog = await c.call(0, [], { prog: 100005 });
  assert.equal(prog.header.replyStat === MSG_ACCEPTED && prog.header.accepted.stat, PROG_UNAVAIL);
  const vers = await c.call(0, [], { vers: 3 });
  assert.deepEqual(vers.header.replyStat === MSG_ACCEPTED && vers.header.accepted, { stat: PROG_MISMATCH, low: 4, high: 4 });
  const proc = await c.call(7);
  assert.equal(proc.header.replyStat === MSG_ACCEPTED && proc.header.accepted.stat, PROC_UNAVAIL);
  const rpcv = await c.call(0, [], { rpcvers: 3 });
  assert.deepEqual(rpcv.header.replyStat === MSG_DENIED && rpcv.header.rejected, { stat: 0, low: 2, high: 2 });
  // A truncated COMPOUND header: GARBAGE_ARGS, and the connection keeps working.
  const garbage = await c.call(1, [Buffer.from([0, 0, 0, 50, 1, 2])]);
  assert.equal(garbage.header.replyStat === MSG_ACCEPTED && garbage.header.accepted.stat, GARBAGE_ARGS);
  assert.equal((await c.call(0)).header.replyStat, MSG_ACCEPTED);
});

test('RPC: an RPCSEC_GSS credential is refused with AUTH_ERROR AUTH_BADCRED', async () => {
  const c = await connect();
  // Hand-built call: xid, CALL, rpcvers 2, prog, vers, proc NULL, cred flavor 6 with an empty body, verf AUTH_NONE.
  const rec = Buffer.alloc(40);
  [0x1234, 0, 2, 100003, 4, 0, 6, 0, 0, 0].forEach((v, i) => rec.writeUInt32BE(v, i * 4));
  const rep = await c.request(rec);
  assert.deepEqual([...rep.subarray(4, 20)], [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]); // REPLY, MSG_DENIED, AUTH_ERROR, AUTH_BADCRED
});

test('COMPOUND: minor version 3 is MINOR_VERS_MISMATCH with no results; ops beyond the minor version are OP_ILLEGAL', async () => {
  const c = await connect();
  const mv = await c.compound(3, [[putrootfhOp, {}]]);
  assert.equal(mv.status, NFS4ERR.MINOR_VERS_MISMATCH);
  assert.equal(mv.results.length, 0);
  // SEQUENCE does not exist in 4.0.
  const ill = await c.compound(0, [[putrootfhOp, {}], [sequenceOp, { sessionid: Buffer.alloc(16), sequenceid: 1, slotid: 0, highestSlotid: 0, cachethis: false }]]);
  assert.equal(ill.status, NFS4ERR.OP_ILLEGAL);
  assert.equal(ill.results[1].op, 10044);
  assert.equal(opStatus(ill, 0), 0);
});

test('COMPOUND: a defined op imafs does not implement (WRITE) is NOTSUPP after the ops before it ran', async () => {
  const c = await connect();
  // tag "", minor 0, 2 ops: PUTROOTFH, WRITE(38) with no args decoded.
  const args = Buffer.alloc(16);
  [0, 0, 2, 24].forEach((v, i) => args.writeUInt32BE(v, i * 4));
  const rep = await c.call(1, [Buffer.concat([args, Buffer.from([0, 0, 0, 38])])]);
  const r = rep.body;
  assert.equal(r.uint32(), NFS4ERR.NOTSUPP);
  r.opaqueVar(1024);
  assert.equal(r.uint32(), 2);
  assert.deepEqual([r.uint32(), r.uint32(), r.uint32(), r.uint32()], [24, 0, 38, NFS4ERR.NOTSUPP]);
});

test('4.1: ops outside a session are OP_NOT_IN_SESSION, EXCHANGE_ID must be alone, SEQUENCE must be first', async () => {
  const c = await connect();
  assert.equal((await c.compound(1, [[putrootfhOp, {}]])).status, NFS4ERR.OP_NOT_IN_SESSION);
  const ex = { clientOwner: { verifier: Buffer.alloc(8, 1), ownerid: Buffer.from('x') }, flags: 0, stateProtect: { how: 0 } };
  assert.equal((await c.compound(1, [[exchangeIdOp, ex], [putrootfhOp, {}]])).status, NFS4ERR.NOT_ONLY_OP);
  await c.createSession(2);
  const pos = await c.seq(2, [[putrootfhOp, {}], [sequenceOp, { sessionid: c.sessionid!, sequenceid: 1, slotid: 1, highestSlotid: 0, cachethis: false }]]);
  assert.equal(pos.status, NFS4ERR.SEQUENCE_POS);
});

test('4.2 session: a retransmission gets the cached reply byte for byte; misordered and unknown slots are refused', async () => {
  const c = await connect();
  await c.createSession(2, { maxRequests: 4 });
  const ops: [typeof putrootfhOp | typeof getfhOp, object][] = [[putrootfhOp, {}], [getfhOp, {}]];
  const first = await c.seq(2, ops as never, { slot: 1, cachethis: true });
  assert.equal(first.status, 0);
  const again = await c.seq(2, ops as never, { slot: 1, seqid: c.slotSeq[1], cachethis: true });
  assert.deepEqual(again.raw.subarray(4), first.raw.subarray(4), 'replay must return the identical COMPOUND4res');
  assert.equal((await c.seq(2, [[putrootfhOp, {}]], { slot: 1, seqid: c.slotSeq[1] + 5 })).status, NFS4ERR.SEQ_MISORDERED);
  assert.equal((await c.seq(2, [[putrootfhOp, {}]], { slot: 9 })).status, NFS4ERR.BADSLOT);
  const bogus = await c.compound(2, [[sequenceOp, { sessionid: Buffer.alloc(16, 9), sequenceid: 1, slotid: 0, highestSlotid: 0, cachethis: false }]]);
  assert.equal(bogus.status, NFS4ERR.BADSESSION);
});

test('4.2 session: a large uncached reply cannot be replayed (RETRY_UNCACHED_REP)', async () => {
  const c = await connect();
  await c.createSession(2);
  const root = await c.seq(2, [[putrootfhOp, {}], [lookupOp, { objname: 'big.bin' }], [getfhOp, {}]]);
  const fh = (root.results[3].res as unknown as { resok: { object: Buffer } }).resok.object;
  const ops = [[putfhOp, { object: fh }], [readOp, { stateid: { seqid: 0, other: Buffer.alloc(12) }, offset: 0n, count: 65536 }]] as never;
  const r1 = await c.seq(2, ops, { slot: 0 });
  assert.equal(r1.status, 0);
  const r2 = await c.seq(2, ops, { slot: 0, seqid: c.slotSeq[0] });
  assert.equal(r2.status, NFS4ERR.RETRY_UNCACHED_REP);
});

test('4.2 session: negotiated ca_maxoperations, ca_maxrequestsize and ca_maxresponsesize are enforced', async () => {
  const c = await connect();
  await c.createSession(2, { maxOperations: 4, maxRequestSize: 512, maxResponseSize: 600 });
  const many = await c.seq(2, [[putrootfhOp, {}], [getfhOp, {}], [getfhOp, {}], [getfhOp, {}]]); // 5 with SEQUENCE
  assert.equal(many.status, NFS4ERR.TOO_MANY_OPS);
  const big = await c.seq(2, [[putrootfhOp, {}], [lookupOp, { objname: 'x'.repeat(600) }]]);
  assert.equal(big.status, NFS4ERR.REQ_TOO_BIG);
  // READ is shortened to fit; a GETATTR that cannot fit is REP_TOO_BIG.
  const rd = await c.seq(2, [[putrootfhOp, {}], [lookupOp, { objname: 'big.bin' }], [readOp, { stateid: { seqid: 0, other: Buffer.alloc(12) }, offset: 0n, count: 4096 }]]);
  assert.equal(rd.status, 0);
  const data = (rd.results[3].res as unknown as { resok: { data: Buffer } }).resok.data;
  assert.ok(data.length > 0 && data.length < 600, `READ clamped to the session, got ${data.length}`);
  const all = Array.from({ length: 56 }, (_, i) => i);
  const ga = await c.seq(2, [[putrootfhOp, {}], [getattrOp, { attrRequest: all }], [getattrOp, { attrRequest: all }]]);
  assert.equal(ga.status, NFS4ERR.REP_TOO_BIG);
  assert.equal(ga.results.length, 4);
  assert.ok(ga.raw.length <= 600, `reply of ${ga.raw.length} bytes within ca_maxresponsesize`);
});

test('GETATTR: unknown and unsupported bits are cleared, never an error; FATTR4_IMA is supported in 4.2 only', async () => {
  const c = await connect();
  await c.createSession(2);
  const r = await c.seq(2, [[putrootfhOp, {}], [getattrOp, { attrRequest: [FATTR4.SUPPORTED_ATTRS, FATTR4.TYPE, FATTR4.ACL, 93, 200] }]]);
  assert.equal(r.status, 0);
  const raw = (r.results[2].res as unknown as { resok: { objAttributes: { attrmask: number[]; attrVals: Buffer } } }).resok.objAttributes;
  assert.deepEqual(raw.attrmask, [FATTR4.SUPPORTED_ATTRS, FATTR4.TYPE, 93]);
  const f = decodeFattr(raw, cfg);
  assert.equal(f.type, NF4.DIR);
  assert.ok(f.supportedAttrs!.includes(93));
  for (const b of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 19, 20, 33, 35, 36, 37, 53, 55, 75]) assert.ok(f.supportedAttrs!.includes(b), `attr ${b} supported`);
  assert.equal(f.ima!.length, 0);

  const c41 = await connect();
  await c41.createSession(1);
  const r41 = await c41.seq(1, [[putrootfhOp, {}], [getattrOp, { attrRequest: [FATTR4.SUPPORTED_ATTRS, 93] }]]);
  const raw41 = (r41.results[2].res as unknown as { resok: { objAttributes: { attrmask: number[]; attrVals: Buffer } } }).resok.objAttributes;
  assert.deepEqual(raw41.attrmask, [FATTR4.SUPPORTED_ATTRS]);
  assert.ok(!decodeFattr(raw41, cfg).supportedAttrs!.includes(93));
});

test('LOOKUP ".." at the export root stays at the root; LOOKUPP there is NOENT; SAVEFH/RESTOREFH keep the handle', async () => {
  const c = await connect();
  const r = await c.compound(0, [[putrootfhOp, {}], [getfhOp, {}], [savefhOp, {}], [lookupOp, { objname: '..' }], [lookupOp, { objname: '..' }], [getfhOp, {}], [lookupOp, { objname: 'many' }], [restorefhOp, {}], [getfhOp, {}]]);
  assert.equal(r.status, 0);
  const fh = (i: number) => (r.results[i].res as unknown as { resok: { object: Buffer } }).resok.object;
  assert.deepEqual(fh(5), fh(1));
  assert.deepEqual(fh(8), fh(1));
  assert.equal((await c.compound(0, [[putrootfhOp, {}], [lookuppOp, {}]])).status, NFS4ERR.NOENT);
  assert.equal((await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'a/b' }]])).status, NFS4ERR.BADNAME);
  assert.equal((await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'nope' }]])).status, NFS4ERR.NOENT);
  assert.equal((await c.compound(0, [[getfhOp, {}]])).status, NFS4ERR.NOFILEHANDLE);
  assert.equal((await c.compound(0, [[putrootfhOp, {}], [restorefhOp, {}]])).status, NFS4ERR.RESTOREFH);
});

test('READDIR: small maxcount pages through every entry exactly once with stable cookies; bad cookies and verifiers are refused', async () => {
  const c = await connect();
  const names: string[] = [];
  let cookie = 0n;
  let verf = Buffer.alloc(8);
  let calls = 0;
  for (;;) {
    const r = await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'many' }], [readdirOp, { cookie, cookieverf: verf, dircount: 0, maxcount: 400, attrRequest: [FATTR4.TYPE, FATTR4.FILEID] }]]);
    assert.equal(r.status, 0);
    const ok = (r.results[2].res as unknown as { resok: { cookieverf: Buffer; entries: { cookie: bigint; name: string }[]; eof: boolean } }).resok;
    calls++;
    names.push(...ok.entries.map((e) => e.name));
    verf = Buffer.from(ok.cookieverf);
    if (ok.eof) break;
    cookie = ok.entries.at(-1)!.cookie;
  }
  assert.ok(calls > 3, `paged in ${calls} calls`);
  assert.deepEqual(names, Array.from({ length: 60 }, (_, i) => `file-${String(i).padStart(3, '0')}`));
  const bad = await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'many' }], [readdirOp, { cookie: 5n, cookieverf: Buffer.alloc(8, 0xee), dircount: 0, maxcount: 4000, attrRequest: [] }]]);
  assert.equal(bad.status, NFS4ERR.NOT_SAME);
  const one = await c.compound(0, [[putrootfhOp, {}], [readdirOp, { cookie: 1n, cookieverf: Buffer.alloc(8), dircount: 0, maxcount: 4000, attrRequest: [] }]]);
  assert.equal(one.status, NFS4ERR.BAD_COOKIE);
  const tiny = await c.compound(0, [[putrootfhOp, {}], [readdirOp, { cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 0, maxcount: 20, attrRequest: [] }]]);
  assert.equal(tiny.status, NFS4ERR.TOOSMALL);
});
