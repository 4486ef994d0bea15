/**
 * RpcClient against a fault-injecting fake server on 127.0.0.1: out-of-order
 * replies, silence, dropped connections, oversized and mutated replies are
 * things a real NFS server will not produce on demand.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RpcClient } from '../../../client/rpc/rpc-client.js';
import { authNone } from '../../../client/rpc/auth.js';
import { decodeCall, encodeReply, MSG_ACCEPTED, SUCCESS, PROC_UNAVAIL } from '../../../client/rpc/rpc-message.js';
import { frameRecord, RecordParser } from '../../../client/rpc/record-marking.js';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { XdrWriter } from '../../../client/xdr/xdr-writer.js';
import { ImafsClientError, RpcError } from '../../../client/errors.js';
import { AUTH_NONE_TOKEN } from '../../../client/rpc/auth.js';

type Handler = (sock: net.Socket, xid: number, proc: number, args: Buffer) => void;

async function fakeServer(handler: Handler): Promise<{ port: number; close: () => Promise<void>; conns: () => number }> {
  let conns = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    conns++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    const p = new RecordParser({
      maxRecordSize: 1 << 20,
      onRecord: (rec) => {
        const r = new XdrReader(rec);
        const c = decodeCall(r);
        handler(s, c.xid, c.proc, r.rest());
      },
    });
    s.on('data', (d) => p.push(d));
  });
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  return {
    port: (srv.address() as net.AddressInfo).port,
    conns: () => conns,
    close: () => new Promise<void>((res) => { for (const s of sockets) s.destroy(); srv.close(() => res()); }),
  };
}

function reply(xid: number, body: Buffer, stat: number = SUCCESS): Buffer[] {
  const w = new XdrWriter();
  encodeReply(w, { xid, replyStat: MSG_ACCEPTED, verf: AUTH_NONE_TOKEN, accepted: { stat } as { stat: 0 } });
  return frameRecord([w.finish(), body]);
}

const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; };

test('many calls in flight, answered in reverse order, are matched by XID', async (t) => {
  const held: (() => void)[] = [];
  const srv = await fakeServer((s, xid, _proc, args) => {
    held.push(() => s.write(Buffer.concat(reply(xid, args))));
    if (held.length === 50) for (const f of held.reverse()) f();
  });
  const c = new RpcClient({ host: '127.0.0.1', port: srv.port, cred: authNone(), timeoutMs: 5000 });
  t.after(async () => { await c.close(); await srv.close(); });
  const calls = Array.from({ length: 50 }, (_, i) => c.call(9, 1, 1, [u32(i)]));
  const got = await Promise.all(calls);
  assert.deepEqual(got.map((r) => r.uint32()), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(c.inFlight, 0);
});

test('a silent server gives IMAFS_RPC_TIMEOUT; a late reply is dropped', async (t) => {
  let late: (() => void) | undefined;
  const srv = await fakeServer((s, xid, proc, args) => {
    if (proc === 1) late = () => s.write(Buffer.concat(reply(xid, args)));
    else s.write(Buffer.concat(reply(xid, args)));
  });
  const c = new RpcClient({ host: '127.0.0.1', port: srv.port, cred: authNone() });
  t.after(async () => { await c.close(); await srv.close(); });
  await assert.rejects(c.call(9, 1, 1, [u32(1)], { timeoutMs: 100 }), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_TIMEOUT');
  late!();
  const r = await c.call(9, 1, 2, [u32(2)]);
  assert.equal(r.uint32(), 2);
});

test('connection loss fails in-flight calls with IMAFS_RPC_CONN_CLOSED; the next call reconnects', async (t) => {
  let n = 0;
  const srv = await fakeServer((s, xid, _proc, args) => {
    n++;
    if (n <= 3) { if (n === 3) s.destroy(); return; }
    s.write(Buffer.concat(reply(xid, args)));
  });
  const c = new RpcClient({ host: '127.0.0.1', port: srv.port, cred: authNone(), timeoutMs: 5000 });
  t.after(async () => { await c.close(); await srv.close(); });
  const results = await Promise.allSettled([1, 2, 3].map((i) => c.call(9, 1, 1, [u32(i)])));
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.equal((r as PromiseRejectedResult).reason.code, 'IMAFS_RPC_CONN_CLOSED');
  }
  const r = await c.call(9, 1, 1, [u32(4)]);
  assert.equal(r.uint32(), 4);
  assert.equal(srv.conns(), 2);
  assert.equal(c.generation, 2);
});

test('non-success accept_stat becomes a typed error', async (t) => {
  const srv = await fakeServer((s, xid) => s.write(Buffer.concat(reply(xid, Buffer.alloc(0), PROC_UNAVAIL))));
  const c = new RpcClient({ host: '127.0.0.1', port: srv.port, cred: authNone() });
  t.after(async () => { await c.close(); await srv.close(); });
  await assert.rejects(c.call(9, 1, 7, []), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_PROC_UNAVAIL');
});

test('an oversized reply record drops the connection with IMAFS_RPC_RECORD_TOO_LARGE', async (t) => {
  const srv = await fakeServer((s) => s.write(Buffer.from([0x80, 0x10, 0, 0])));
  const c = new RpcClient({ host: '127.0.0.1', port: srv.port, cred: authNone(), maxRecordSize: 4096 });
  t.after(async () => { await c.close(); await srv.close(); });
  await assert.rejects(c.call(9, 1, 1, []), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_RECORD_TOO_LARGE');
});

test('connect to a closed port gives IMAFS_RPC_CONNECT', async () => {
  const srv = await fakeServer(() => {});
  const port = srv.port;
  await srv.close();
  const c = new RpcClient({ host: '127.0.0.1', port, cred: authNone() });
  await assert.rejects(c.call(9, 1, 1, []), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_CONNECT');
  await c.close();
  await assert.rejects(c.call(9, 1, 1, []), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_CLOSED');
});

test('fuzz over the socket: 3,000 mutated replies resolve or fail typed, none hang', async (t) => {
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed % n; };
  const srv = await fakeServer((s, xid, _proc, args) => {
    const rec = Buffer.concat(reply(xid, args)).subarray(4);
    const m = Buffer.from(rec);
    // Keep the XID so the call can be matched; mutate the rest.
    for (let k = 0; k <= rnd(3); k++) { const at = 4 + rnd(m.length - 4); m[at] = rnd(256); }
    const cut = rnd(5) === 0 ? m.subarray(0, 4 + rnd(m.length - 4)) : m;
    s.write(Buffer.concat(frameRecord([cut])));
  });
  const c = new RpcClient({ host: '127.0.0.1', port: srv.port, cred: authNone(), timeoutMs: 2000 });
  t.after(async () => { await c.close(); await srv.close(); });
  let ok = 0;
  let typed = 0;
  for (let batch = 0; batch < 30; batch++) {
    const rs = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => c.call(9, 1, 1, [u32(i), u32(0xabcdef)])));
    for (const r of rs) {
      if (r.status === 'fulfilled') ok++;
      else {
        assert.ok(r.reason instanceof ImafsClientError, String(r.reason));
        assert.notEqual(r.reason.code, 'IMAFS_RPC_TIMEOUT');
        typed++;
      }
    }
  }
  assert.equal(ok + typed, 3000);
  assert.ok(typed > 1000 && ok > 100, `ok ${ok} typed ${typed}`);
});
