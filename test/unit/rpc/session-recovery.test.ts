/**
 * Session recovery (RFC 8881 §2.10.6, §15) against a fault-injecting fake
 * NFSv4.1 server on 127.0.0.1: it speaks just enough (EXCHANGE_ID,
 * CREATE_SESSION, SEQUENCE, PUTROOTFH, GETFH, RECLAIM_COMPLETE, DESTROY_*)
 * and answers SEQUENCE with the errors a test scripts, which ganesha will not
 * produce on demand. It also checks the client's slot discipline: a request
 * must carry the slot's last seqid + 1, or the same seqid as a retry.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { decodeCompound4Args, encodeCompound4Res, type NfsResop } from '../../../client/nfs4/compound.js';
import { OP, SP4_NONE } from '../../../client/nfs4/constants.js';
import { NFS4ERR, NFS4_OK } from '../../../client/nfs4/status.js';
import type { SequenceArgs } from '../../../client/nfs4/ops/sequence.js';
import { decodeCall, encodeReply, MSG_ACCEPTED, SUCCESS } from '../../../client/rpc/rpc-message.js';
import { AUTH_NONE_TOKEN, authNone } from '../../../client/rpc/auth.js';
import { frameRecord, RecordParser } from '../../../client/rpc/record-marking.js';
import { RpcClient } from '../../../client/rpc/rpc-client.js';
import { NfsSession } from '../../../client/session/nfs-session.js';
import { op } from '../../../client/session/compound-call.js';
import { putrootfhOp } from '../../../client/nfs4/ops/putrootfh.js';
import { getfhOp } from '../../../client/nfs4/ops/getfh.js';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { XdrWriter } from '../../../client/xdr/xdr-writer.js';
import { ImafsClientError, NfsError } from '../../../client/errors.js';

interface Fake {
  port: number;
  /** Statuses for the next SEQUENCEs, in order (NFS4_OK consumes a turn too). */
  seqFaults: number[];
  /** Statuses for the next PUTROOTFH ops. */
  opFaults: number[];
  /** Statuses for the next CREATE_SESSIONs. */
  createFaults: number[];
  /** Drop (never answer) the next n SEQUENCE compounds. */
  drop: number;
  slots: number;
  target: number;
  counts: Record<string, number>;
  /** (slot, seqid) of every SEQUENCE, in arrival order. */
  seen: [number, number][];
  maxConcurrentSlots: number;
  violations: string[];
  /** When set, every reply body (after the RPC header) passes through it. */
  mutate: ((body: Buffer) => Buffer) | undefined;
  close(): Promise<void>;
}

async function fakeServer(): Promise<Fake> {
  let sessionNo = 0;
  let clientNo = 0;
  let liveClient = 0;
  let liveSession = '';
  let lastSeq = new Map<number, number>();
  const busy = new Set<number>();
  const sockets = new Set<net.Socket>();
  const f: Fake = {
    port: 0, seqFaults: [], opFaults: [], createFaults: [], drop: 0, slots: 8, target: 7,
    counts: {}, seen: [], maxConcurrentSlots: 0, violations: [], mutate: undefined, close: async () => {},
  };
  const count = (k: string) => { f.counts[k] = (f.counts[k] ?? 0) + 1; };

  const answer = (s: net.Socket, xid: number, resarray: NfsResop[]): void => {
    const w = new XdrWriter();
    encodeReply(w, { xid, replyStat: MSG_ACCEPTED, verf: AUTH_NONE_TOKEN, accepted: { stat: SUCCESS } });
    const last = resarray.at(-1);
    encodeCompound4Res(w, { status: last ? last.res.status : NFS4_OK, tag: '', resarray });
    let rec = w.finish();
    if (f.mutate) rec = Buffer.concat([rec.subarray(0, 24), f.mutate(Buffer.from(rec.subarray(24)))]);
    s.write(Buffer.concat(frameRecord([rec])));
  };

  const handle = (s: net.Socket, rec: Buffer): void => {
    const r = new XdrReader(rec);
    const call = decodeCall(r);
    if (call.proc === 0) return answer(s, call.xid, []);
    const args = decodeCompound4Args(r);
    const out: NfsResop[] = [];
    let seqSlot: number | undefined;
    let delayMs = 0;
    for (const a of args.argarray) {
      const fail = (status: number): void => { out.push({ op: a.op, res: { status } }); };
      if (a.op === OP.EXCHANGE_ID) {
        count('EXCHANGE_ID');
        liveClient = ++clientNo;
        lastSeq = new Map();
        out.push({ op: a.op, res: { status: NFS4_OK, resok: {
          clientid: BigInt(liveClient), sequenceid: 1, flags: 0, stateProtect: { how: SP4_NONE },
          serverOwner: { minorId: 0n, majorId: Buffer.from('fake') }, serverScope: Buffer.from('fake'),
        } } as never });
      } else if (a.op === OP.CREATE_SESSION) {
        count('CREATE_SESSION');
        const status = f.createFaults.shift() ?? NFS4_OK;
        const ca = a.args as { clientid: bigint };
        if (status !== NFS4_OK || ca.clientid !== BigInt(liveClient)) { fail(status !== NFS4_OK ? status : NFS4ERR.STALE_CLIENTID); break; }
        const sid = Buffer.alloc(16);
        sid.writeUInt32BE(++sessionNo, 0);
        liveSession = sid.toString('hex');
        lastSeq = new Map();
        const fore = { headerPadSize: 0, maxRequestSize: 65536, maxResponseSize: 1 << 20, maxResponseSizeCached: 4096, maxOperations: 16, maxRequests: f.slots };
        out.push({ op: a.op, res: { status: NFS4_OK, resok: { sessionid: sid, sequence: 1, flags: 0, foreChanAttrs: fore, backChanAttrs: { ...fore, maxRequests: 1 } } } as never });
      } else if (a.op === OP.SEQUENCE) {
        count('SEQUENCE');
        const sa = a.args as SequenceArgs;
        if (f.drop > 0) { f.drop--; return; }
        f.seen.push([sa.slotid, sa.sequenceid]);
        const status = f.seqFaults.shift() ?? NFS4_OK;
        if (sa.sessionid.toString('hex') !== liveSession) { fail(NFS4ERR.BADSESSION); break; }
        if (status !== NFS4_OK) { fail(status); break; }
        if (sa.slotid >= f.slots) { fail(NFS4ERR.BADSLOT); break; }
        const prev = lastSeq.get(sa.slotid) ?? 0;
        if (sa.sequenceid !== prev + 1 && sa.sequenceid !== prev) f.violations.push(`slot ${sa.slotid}: seqid ${sa.sequenceid} after ${prev}`);
        if (sa.slotid > f.target) f.violations.push(`slot ${sa.slotid} above target ${f.target}`);
        lastSeq.set(sa.slotid, sa.sequenceid);
        seqSlot = sa.slotid;
        busy.add(sa.slotid);
        f.maxConcurrentSlots = Math.max(f.maxConcurrentSlots, busy.size);
        delayMs = 5;
        out.push({ op: a.op, res: { status: NFS4_OK, resok: {
          sessionid: sa.sessionid, sequenceid: sa.sequenceid, slotid: sa.slotid,
          highestSlotid: f.slots - 1, targetHighestSlotid: f.target, statusFlags: 0,
        } } as never });
      } else if (a.op === OP.PUTROOTFH) {
        count('PUTROOTFH');
        const status = f.opFaults.shift() ?? NFS4_OK;
        if (status !== NFS4_OK) { fail(status); break; }
        out.push({ op: a.op, res: { status: NFS4_OK } });
      } else if (a.op === OP.GETFH) {
        out.push({ op: a.op, res: { status: NFS4_OK, resok: { object: Buffer.from('rootfh') } } as never });
      } else if (a.op === OP.RECLAIM_COMPLETE || a.op === OP.DESTROY_SESSION || a.op === OP.DESTROY_CLIENTID) {
        count(Object.entries(OP).find(([, v]) => v === a.op)![0]);
        out.push({ op: a.op, res: { status: NFS4_OK } });
      } else {
        fail(NFS4ERR.NOTSUPP);
        break;
      }
    }
    // Hold the slot briefly so concurrent requests really overlap.
    setTimeout(() => { if (seqSlot !== undefined) busy.delete(seqSlot); answer(s, call.xid, out); }, delayMs);
  };

  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    const p = new RecordParser({ maxRecordSize: 1 << 20, onRecord: (rec) => handle(s, rec) });
    s.on('data', (d) => p.push(d));
  });
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  f.port = (srv.address() as net.AddressInfo).port;
  f.close = () => new Promise<void>((res) => { for (const s of sockets) s.destroy(); srv.close(() => res()); });
  return f;
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, o: { timeoutMs?: number; retryBudgetMs?: number } = {}) {
  const f = await fakeServer();
  const rpc = new RpcClient({ host: '127.0.0.1', port: f.port, cred: authNone(), timeoutMs: o.timeoutMs ?? 5000 });
  const s = new NfsSession({
    rpc, minorVersion: 1, timeoutMs: o.timeoutMs ?? 5000, retryBudgetMs: o.retryBudgetMs ?? 20_000, integrityStatus: 10097,
    identity: { verifier: randomBytes(8), ownerId: Buffer.from('test'), implName: 'test' },
  });
  t.after(async () => { await s.close(); await rpc.close(); await f.close(); });
  await s.open();
  return { f, s, rpc };
}

const rootfh = () => [op(putrootfhOp, {}), op(getfhOp, {})];

test('setup: EXCHANGE_ID, CREATE_SESSION, RECLAIM_COMPLETE; seqids advance per slot', async (t) => {
  const { f, s } = await setup(t);
  assert.deepEqual([f.counts.EXCHANGE_ID, f.counts.CREATE_SESSION, f.counts.RECLAIM_COMPLETE], [1, 1, 1]);
  for (let i = 0; i < 3; i++) await s.compound(rootfh());
  assert.deepEqual(f.seen, [[0, 1], [0, 2], [0, 3], [0, 4]]);
  assert.deepEqual(f.violations, []);
});

test('SEQUENCE NFS4ERR_DELAY: same slot and seqid resent after a pause', async (t) => {
  const { f, s } = await setup(t);
  f.seen.length = 0;
  f.seqFaults.push(NFS4ERR.DELAY, NFS4ERR.DELAY);
  await s.compound(rootfh());
  assert.deepEqual(f.seen, [[0, 2], [0, 2], [0, 2]]);
});

test('op NFS4ERR_DELAY and NFS4ERR_GRACE: the compound is resent on the next seqid', async (t) => {
  const { f, s } = await setup(t);
  f.seen.length = 0;
  f.opFaults.push(NFS4ERR.DELAY, NFS4ERR.GRACE);
  const r = await s.compound(rootfh());
  assert.equal(r.status, NFS4_OK);
  assert.deepEqual(f.seen, [[0, 2], [0, 3], [0, 4]]);
});

test('BADSESSION and DEADSESSION: a new session on the same client ID, then the call succeeds', async (t) => {
  const { f, s } = await setup(t);
  f.seqFaults.push(NFS4ERR.BADSESSION);
  await s.compound(rootfh());
  f.seqFaults.push(NFS4ERR.DEADSESSION);
  await s.compound(rootfh());
  assert.deepEqual([f.counts.EXCHANGE_ID, f.counts.CREATE_SESSION], [1, 3]);
  assert.equal(s.stateEpoch, 0);
  assert.deepEqual(f.violations, []);
});

test('CREATE_SESSION NFS4ERR_STALE_CLIENTID during recovery: new client ID, state epoch bumped', async (t) => {
  const { f, s } = await setup(t);
  f.seqFaults.push(NFS4ERR.BADSESSION);
  f.createFaults.push(NFS4ERR.STALE_CLIENTID);
  await s.compound(rootfh());
  assert.deepEqual([f.counts.EXCHANGE_ID, f.counts.CREATE_SESSION, f.counts.RECLAIM_COMPLETE], [2, 3, 2]);
  assert.equal(s.stateEpoch, 1);
});

test('SEQ_MISORDERED with nothing in doubt: new session', async (t) => {
  const { f, s } = await setup(t);
  f.seqFaults.push(NFS4ERR.SEQ_MISORDERED);
  await s.compound(rootfh());
  assert.equal(f.counts.CREATE_SESSION, 2);
});

test('SEQ_FALSE_RETRY and RETRY_UNCACHED_REP: that seqid is used up, next one sent', async (t) => {
  const { f, s } = await setup(t);
  f.seen.length = 0;
  f.seqFaults.push(NFS4ERR.SEQ_FALSE_RETRY, NFS4ERR.RETRY_UNCACHED_REP);
  await s.compound(rootfh());
  assert.deepEqual(f.seen, [[0, 2], [0, 3], [0, 4]]);
});

test('BADSLOT: the table shrinks below the slot and the call succeeds on a lower one', async (t) => {
  const { f, s } = await setup(t);
  // Occupy slots 0..2 so the 4th concurrent call takes slot 3, then let the server refuse slot 3.
  f.slots = 3;
  const results = await Promise.all(Array.from({ length: 6 }, () => s.compound(rootfh())));
  assert.equal(results.length, 6);
  assert.ok(s.slotCount <= 3, `slots ${s.slotCount}`);
  assert.deepEqual(f.violations, []);
});

test('sr_target_highest_slotid 0: concurrent calls are serialised on slot 0', async (t) => {
  const { f, s } = await setup(t);
  f.target = 0;
  await s.compound(rootfh()); // learns the target
  f.maxConcurrentSlots = 0;
  f.seen.length = 0;
  await Promise.all(Array.from({ length: 10 }, () => s.compound(rootfh())));
  assert.equal(f.maxConcurrentSlots, 1);
  assert.ok(f.seen.every(([slot]) => slot === 0));
  assert.deepEqual(f.violations, []);
});

test('a lost reply: timeout, new connection, same slot and seqid resent', async (t) => {
  const { f, s, rpc } = await setup(t, { timeoutMs: 300 });
  const gen = rpc.generation;
  f.seen.length = 0;
  f.drop = 1;
  await s.compound(rootfh());
  assert.ok(rpc.generation > gen, 'reconnected after the timeout');
  assert.deepEqual(f.seen, [[0, 2]]);
  assert.deepEqual(f.violations, []);
});

test('an unrecoverable SEQUENCE status becomes NfsError naming SEQUENCE', async (t) => {
  const { f, s } = await setup(t);
  f.seqFaults.push(NFS4ERR.SERVERFAULT);
  await assert.rejects(s.compound(rootfh()), (e: unknown) => e instanceof NfsError && e.statusName === 'NFS4ERR_SERVERFAULT' && e.op === 'SEQUENCE');
  const ok = await s.compound(rootfh());
  assert.equal(ok.status, NFS4_OK);
});

test('close: DESTROY_SESSION then DESTROY_CLIENTID', async (t) => {
  const { f, s } = await setup(t);
  await s.close();
  assert.deepEqual([f.counts.DESTROY_SESSION, f.counts.DESTROY_CLIENTID], [1, 1]);
});

test('fuzz: 1,500 mutated COMPOUND replies through the session give results or typed errors, never a hang', { timeout: 120_000 }, async (t) => {
  const { f, s } = await setup(t, { timeoutMs: 500, retryBudgetMs: 1500 });
  let seed = 4242;
  const rnd = (n: number) => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed % n; };
  f.mutate = (b) => {
    const m = rnd(4);
    if (m === 0) return b.subarray(0, rnd(b.length + 1));
    for (let k = 0; k <= rnd(3); k++) b[rnd(b.length)] = rnd(2) ? rnd(256) : 0xff;
    return b;
  };
  let ok = 0;
  let typed = 0;
  for (let i = 0; i < 1500; i++) {
    try {
      await s.compoundRaw(rootfh());
      ok++;
    } catch (e) {
      assert.ok(e instanceof ImafsClientError, `case ${i}: untyped ${String(e)}`);
      typed++;
    }
  }
  assert.equal(ok + typed, 1500);
  assert.ok(typed > 100, `only ${typed} rejections`);
  f.mutate = undefined;
  const r = await s.compoundRaw(rootfh());
  assert.equal(r.status, NFS4_OK, 'the session recovers once replies are sane again');
});
