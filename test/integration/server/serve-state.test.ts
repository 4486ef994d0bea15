/**
 * Client, session and open state of imafs serve: CREATE_SESSION replay and
 * sequencing, DESTROY_SESSION / DESTROY_CLIENTID, RECLAIM_COMPLETE, lease
 * expiry (4.0 and 4.1), and the 4.0 open-owner flow (seqids, OPEN_CONFIRM,
 * stateid checks on READ and CLOSE).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  NFS4ERR, closeOp, createSessionOp, destroyClientidOp, destroySessionOp, lookupOp, openConfirmOp, openOp, putrootfhOp, readOp,
  reclaimCompleteOp, renewOp, sequenceOp, setclientidConfirmOp, setclientidOp, getfhOp, putfhOp, testStateidOp,
} from '../../../client/nfs4/index.js';
import { tmpDir, type TmpDir } from '../../helpers/ima-keys.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { RawNfs } from './raw-nfs.js';

let t: TmpDir;
let srv: ServeHandle;
const conns: RawNfs[] = [];
async function connect(): Promise<RawNfs> {
  const c = await RawNfs.connect(srv.port);
  conns.push(c);
  return c;
}
type Any = { resok: Record<string, unknown> };

before(async () => {
  t = tmpDir('imafs-serve-state-');
  writeFileSync(path.join(t.dir, 'file'), 'contents of file\n');
  srv = await startImafsServe(t.dir, { args: ['--lease', '2'] });
});
after(async () => {
  for (const c of conns) c.close();
  await srv?.stop();
  t?.cleanup();
});

async function setclientid(c: RawNfs, name: string): Promise<bigint> {
  const sc = await c.compound(0, [[setclientidOp, { client: { verifier: Buffer.alloc(8, 3), ownerid: Buffer.from(name) }, callback: { program: 0, location: { netid: 'tcp', addr: '127.0.0.1.0.0' } }, callbackIdent: 0 }]]);
  const ok = (sc.results[0].res as unknown as { resok: { clientid: bigint; setclientidConfirm: Buffer } }).resok;
  assert.equal((await c.compound(0, [[setclientidConfirmOp, { clientid: ok.clientid, setclientidConfirm: Buffer.alloc(8, 0xee) }]])).status, NFS4ERR.STALE_CLIENTID, 'wrong confirm verifier');
  assert.equal((await c.compound(0, [[setclientidConfirmOp, { clientid: ok.clientid, setclientidConfirm: ok.setclientidConfirm }]])).status, 0);
  return ok.clientid;
}

test('4.0 open-owner flow: OPEN, READ with the stateid, OPEN_CONFIRM, CLOSE; seqid and stateid errors', async () => {
  const c = await connect();
  const clientid = await setclientid(c, 'v40-owner');
  const owner = { clientid, owner: Buffer.from('owner-1') };
  const open = (seqid: number) => c.compound(0, [[putrootfhOp, {}], [openOp, { seqid, shareAccess: 1, shareDeny: 0, owner, openhow: { opentype: 0 }, claim: { claim: 0, file: 'file' } }], [getfhOp, {}]]);
  const o = await open(1);
  assert.equal(o.status, 0);
  const ok = (o.results[1].res as unknown as { resok: { stateid: { seqid: number; other: Buffer }; rflags: number; delegation: { type: number } } }).resok;
  assert.equal(ok.rflags & 2, 0, 'OPEN_CONFIRM is never required');
  assert.equal(ok.delegation.type, 0);
  const fh = (o.results[2].res as unknown as { resok: { object: Buffer } }).resok.object;
  const read = (stateid: { seqid: number; other: Buffer }) => c.compound(0, [[putfhOp, { object: fh }], [readOp, { stateid, offset: 0n, count: 100 }]]);
  const r = await read(ok.stateid);
  assert.equal((r.results[1].res as unknown as { resok: { data: Buffer; eof: boolean } }).resok.data.toString(), 'contents of file\n');
  assert.equal((await open(5)).status, NFS4ERR.BAD_SEQID);
  const conf = await c.compound(0, [[putfhOp, { object: fh }], [openConfirmOp, { openStateid: ok.stateid, seqid: 2 }]]);
  assert.equal(conf.status, 0);
  const st2 = (conf.results[1].res as unknown as { resok: { openStateid: { seqid: number; other: Buffer } } }).resok.openStateid;
  assert.equal(st2.seqid, ok.stateid.seqid + 1);
  assert.equal((await read(ok.stateid)).status, NFS4ERR.OLD_STATEID);
  assert.equal((await read({ seqid: st2.seqid + 1, other: st2.other })).status, NFS4ERR.BAD_STATEID);
  const foreign = Buffer.from(st2.other);
  foreign[0] ^= 0xff;
  assert.equal((await read({ seqid: 1, other: foreign })).status, NFS4ERR.STALE_STATEID);
  const cl = await c.compound(0, [[putfhOp, { object: fh }], [closeOp, { seqid: 3, openStateid: st2 }]]);
  assert.equal(cl.status, 0);
  assert.equal((await read(st2)).status, NFS4ERR.BAD_STATEID, 'closed');
  assert.equal((await c.compound(0, [[renewOp, { clientid }]])).status, 0);
  assert.equal((await c.compound(0, [[renewOp, { clientid: clientid + 1000n }]])).status, NFS4ERR.STALE_CLIENTID);
});

test('4.1: CREATE_SESSION replay returns the same session; misordered sequence; RECLAIM_COMPLETE once; DESTROY_*', async () => {
  const c = await connect();
  await c.createSession(1);
  const clientid = c.clientid!;
  const attrs = { headerPadSize: 0, maxRequestSize: 65536, maxResponseSize: 65536, maxResponseSizeCached: 4096, maxOperations: 8, maxRequests: 2 };
  const cs = (sequence: number) => c.compound(1, [[createSessionOp, { clientid, sequence, flags: 0, foreChanAttrs: attrs, backChanAttrs: attrs, cbProgram: 1, secParms: [{ flavor: 0 }] }]]);
  const a = await cs(2);
  assert.equal(a.status, 0);
  const again = await cs(2);
  assert.deepEqual((again.results[0].res as unknown as Any).resok.sessionid, (a.results[0].res as unknown as Any).resok.sessionid, 'replayed CREATE_SESSION');
  assert.equal((await cs(7)).status, NFS4ERR.SEQ_MISORDERED);
  assert.equal((await c.seq(1, [[reclaimCompleteOp, { oneFs: false }]])).status, 0);
  assert.equal((await c.seq(1, [[reclaimCompleteOp, { oneFs: false }]])).status, NFS4ERR.COMPLETE_ALREADY);
  assert.equal((await c.compound(1, [[destroyClientidOp, { clientid }]])).status, NFS4ERR.CLIENTID_BUSY);
  const second = (a.results[0].res as unknown as { resok: { sessionid: Buffer } }).resok.sessionid;
  assert.equal((await c.compound(1, [[destroySessionOp, { sessionid: second }]])).status, 0);
  assert.equal((await c.compound(1, [[destroySessionOp, { sessionid: c.sessionid! }]])).status, 0);
  assert.equal((await c.compound(1, [[destroySessionOp, { sessionid: c.sessionid! }]])).status, NFS4ERR.BADSESSION);
  assert.equal((await c.compound(1, [[destroyClientidOp, { clientid }]])).status, 0);
  assert.equal((await c.compound(1, [[destroyClientidOp, { clientid }]])).status, NFS4ERR.STALE_CLIENTID);
});

test('leases: a silent 4.1 client loses its session, a silent 4.0 client its clientid and opens; renewing keeps them', async () => {
  const quiet = await connect();
  await quiet.createSession(2);
  const busy = await connect();
  await busy.createSession(2);
  const old = await connect();
  const clientid = await setclientid(old, 'v40-expiring');
  const o = await old.compound(0, [[putrootfhOp, {}], [openOp, { seqid: 1, shareAccess: 1, shareDeny: 0, owner: { clientid, owner: Buffer.from('o') }, openhow: { opentype: 0 }, claim: { claim: 0, file: 'file' } }]]);
  const stateid = (o.results[1].res as unknown as { resok: { stateid: { seqid: number; other: Buffer } } }).resok.stateid;
  for (let i = 0; i < 8; i++) {
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await busy.seq(2, [[putrootfhOp, {}]])).status, 0);
  }
  const s = await quiet.compound(2, [[sequenceOp, { sessionid: quiet.sessionid!, sequenceid: 1, slotid: 0, highestSlotid: 0, cachethis: false }]]);
  assert.equal(s.status, NFS4ERR.BADSESSION);
  assert.equal((await old.compound(0, [[renewOp, { clientid }]])).status, NFS4ERR.STALE_CLIENTID);
  const ts = await busy.seq(2, [[testStateidOp, { stateids: [stateid] }]]);
  assert.deepEqual((ts.results[1].res as unknown as { resok: { statusCodes: number[] } }).resok.statusCodes, [NFS4ERR.BAD_STATEID]);
  await srv.waitForOutput(/clientid [0-9a-f]+: lease expired \(1 open files released\)/);
  assert.equal((await busy.seq(2, [[putrootfhOp, {}], [lookupOp, { objname: 'file' }]])).status, 0);
});
