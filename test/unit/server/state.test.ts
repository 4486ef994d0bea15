import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientTable, type ClientEvent } from '../../../server/state/client-table.js';
import { OpenOwners } from '../../../server/state/open-owners.js';
import { SessionTable, negotiate } from '../../../server/state/session-table.js';
import { StateidTable } from '../../../server/state/stateid-table.js';

const owner = (s: string) => ({ ownerid: Buffer.from(s), verifier: Buffer.alloc(8, 1), minor: 1, principal: 'sys:0', addr: '127.0.0.1' });

test('client table: confirming a record retires older records of the same owner; leases expire', () => {
  const dropped: ClientEvent[] = [];
  const t = new ClientTable(1000, (e) => dropped.push(e));
  const a = t.create(owner('host-a'));
  t.confirm(a);
  const a2 = t.create(owner('host-a'));
  const b = t.create(owner('host-b'));
  assert.equal(t.size, 3);
  assert.notEqual(a.clientid, a2.clientid);
  assert.ok(t.isOurs(a.clientid));
  assert.ok(!t.isOurs(a.clientid ^ (1n << 40n)));
  t.confirm(a2);
  assert.deepEqual(dropped.map((e) => [e.kind, e.client.clientid]), [['replaced', a.clientid]]);
  assert.equal(t.get(a.clientid), undefined);
  b.renewedAt = Date.now() - 5000;
  assert.equal(t.sweep(), 1);
  assert.equal(dropped.at(-1)!.kind, 'expired');
  assert.equal(t.get(b.clientid), undefined);
  assert.equal(t.get(a2.clientid), a2);
});

test('channel negotiation clamps every fore-channel limit to the server\'s and never below 1', () => {
  const lim = { maxRequestSize: 1000, maxResponseSize: 2000, maxResponseSizeCached: 300, maxOperations: 16, maxRequests: 8 };
  const asked = { headerPadSize: 64, maxRequestSize: 5000, maxResponseSize: 100, maxResponseSizeCached: 9000, maxOperations: 0, maxRequests: 1000 };
  assert.deepEqual(negotiate(asked, lim), { headerPadSize: 0, maxRequestSize: 1000, maxResponseSize: 100, maxResponseSizeCached: 300, maxOperations: 1, maxRequests: 8 });
});

test('sessions: ids carry the clientid, slots start at seqid 0, destroy detaches from the client', () => {
  const t = new ClientTable(60_000, () => undefined);
  const c = t.create(owner('s'));
  const s = new SessionTable();
  const attrs = { headerPadSize: 0, maxRequestSize: 1, maxResponseSize: 1, maxResponseSizeCached: 1, maxOperations: 1, maxRequests: 3 };
  const x = s.create(c, attrs, attrs, 0);
  assert.equal(x.id.length, 16);
  assert.equal(x.id.readBigUInt64BE(0), c.clientid);
  assert.deepEqual(x.slots, [0, 1, 2].map(() => ({ seqid: 0, busy: false, reply: undefined })));
  assert.equal(s.get(x.id), x);
  assert.ok(c.sessions.has(x.key));
  s.destroyAllOf(c);
  assert.equal(s.get(x.id), undefined);
  assert.equal(c.sessions.size, 0);
});

test('stateids: one per (owner, file); OLD / BAD / wrong-file / stale checks; special stateids', () => {
  const t = new StateidTable();
  const a = t.open(1n, Buffer.from('o'), 'f1', 1);
  assert.equal(a.seqid, 1);
  assert.equal(a.other.length, 12);
  const again = t.open(1n, Buffer.from('o'), 'f1', 1);
  assert.equal(again, a);
  assert.equal(a.seqid, 2);
  const b = t.open(1n, Buffer.from('o'), 'f2', 1);
  assert.notDeepEqual(b.other, a.other);
  const opts = { allowSpecial: true, minor: 1 };
  assert.deepEqual(t.check({ seqid: 2, other: a.other }, 'f1', opts), { ok: true, state: a });
  assert.deepEqual(t.check({ seqid: 0, other: a.other }, 'f1', opts), { ok: true, state: a }, '4.1 seqid 0 = current');
  assert.deepEqual(t.check({ seqid: 0, other: a.other }, 'f1', { ...opts, minor: 0 }), { ok: false, why: 'old' });
  assert.deepEqual(t.check({ seqid: 1, other: a.other }, 'f1', opts), { ok: false, why: 'old' });
  assert.deepEqual(t.check({ seqid: 3, other: a.other }, 'f1', opts), { ok: false, why: 'bad' });
  assert.deepEqual(t.check({ seqid: 2, other: a.other }, 'f2', opts), { ok: false, why: 'wrong-file' });
  assert.deepEqual(t.check({ seqid: 0, other: Buffer.alloc(12) }, 'f1', opts), { ok: true, state: undefined });
  assert.deepEqual(t.check({ seqid: 0xffffffff, other: Buffer.alloc(12, 0xff) }, 'f1', opts), { ok: true, state: undefined });
  assert.deepEqual(t.check({ seqid: 0, other: Buffer.alloc(12) }, 'f1', { ...opts, allowSpecial: false }), { ok: false, why: 'bad' });
  const foreign = Buffer.from(a.other);
  foreign[0] ^= 0xff;
  assert.deepEqual(t.check({ seqid: 1, other: foreign }, 'f1', opts), { ok: false, why: 'stale' });
  assert.equal(t.closeAllOf(1n), 2);
  assert.deepEqual(t.check({ seqid: 2, other: a.other }, 'f1', opts), { ok: false, why: 'bad' });
});

test('4.0 open-owner seqids: next is ok, same is a replay, anything else BAD_SEQID', () => {
  const o = new OpenOwners();
  const ow = Buffer.from('owner');
  assert.equal(o.check(1n, ow, 17), 'ok');
  o.advance(1n, ow, 17);
  assert.equal(o.check(1n, ow, 18), 'ok');
  assert.equal(o.check(1n, ow, 17), 'replay');
  assert.equal(o.check(1n, ow, 19), 'bad');
  o.advance(1n, ow, 0xffffffff);
  assert.equal(o.check(1n, ow, 0), 'ok', 'seqid wraps');
  o.forgetClient(1n);
  assert.equal(o.check(1n, ow, 5), 'ok');
});
