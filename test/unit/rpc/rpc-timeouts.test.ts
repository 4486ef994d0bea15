/**
 * RpcClient timeouts run off one timer for the earliest deadline (no timer
 * per call): a short timeout behind a long one still fires on time, each call
 * fails with its own timeout in the message, and the rest stay in flight. A
 * silent server is fault injection a real one does not do on demand.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RpcClient } from '../../../client/rpc/rpc-client.js';
import { authNone } from '../../../client/rpc/auth.js';
import { RpcError } from '../../../client/errors.js';

async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.resume();
  });
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => new Promise<void>((res) => { for (const s of sockets) s.destroy(); srv.close(() => res()); }),
  };
}

const isCode = (code: string, ms?: number) => (e: unknown): boolean =>
  e instanceof RpcError && e.code === code && (ms === undefined || e.message.includes(`no reply within ${ms} ms`));
/** Failed because we closed the client, not by a timeout. */
const closedByUs = (e: unknown): boolean => e instanceof RpcError && (e.code === 'IMAFS_RPC_CONN_CLOSED' || e.code === 'IMAFS_RPC_CLOSED');

test('timeouts: a short one behind a long one fires on time; the long one stays in flight', async (t) => {
  const srv = await silentServer();
  const c = new RpcClient({ host: '127.0.0.1', port: srv.port, cred: authNone(), timeoutMs: 60_000 });
  t.after(async () => { await c.close(); await srv.close(); });
  const long = c.call(9, 1, 1, [], { timeoutMs: 30_000 });
  long.catch(() => {});
  const t0 = Date.now();
  const shorts = [150, 100, 300].map((ms) => c.call(9, 1, 1, [], { timeoutMs: ms }).then(
    () => assert.fail('a silent server cannot answer'),
    (e: unknown) => { assert.ok(isCode('IMAFS_RPC_TIMEOUT', ms)(e), String(e)); return Date.now() - t0; },
  ));
  const took = await Promise.all(shorts);
  for (const [i, ms] of [150, 100, 300].entries()) {
    assert.ok(took[i] >= ms - 5, `${ms} ms timeout fired after ${took[i]} ms`);
    assert.ok(took[i] < ms + 1500, `${ms} ms timeout fired only after ${took[i]} ms`);
  }
  assert.equal(c.inFlight, 1);
  await c.close();
  await assert.rejects(long, closedByUs);
});

test('timeouts: calls without a timeout (0) never time out; a later short one still does', async (t) => {
  const srv = await silentServer();
  const c = new RpcClient({ host: '127.0.0.1', port: srv.port, cred: authNone(), timeoutMs: 0 });
  t.after(async () => { await c.close(); await srv.close(); });
  const forever = c.call(9, 1, 1, []);
  forever.catch(() => {});
  await assert.rejects(c.call(9, 1, 1, [], { timeoutMs: 50 }), isCode('IMAFS_RPC_TIMEOUT', 50));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(c.inFlight, 1);
  await c.close();
  await assert.rejects(forever, closedByUs);
});
