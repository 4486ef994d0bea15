import test from 'node:test';
import assert from 'node:assert/strict';
import { SlotTable } from '../../../client/session/slot-table.js';

test('slots start at seqid 1, advance only when the server processed SEQUENCE', async () => {
  const t = new SlotTable(4);
  const a = await t.acquire();
  assert.deepEqual([a.id, a.seqid], [0, 1]);
  t.release(a, true);
  const b = await t.acquire();
  assert.deepEqual([b.id, b.seqid], [0, 2]);
  t.release(b, false);
  const c = await t.acquire();
  assert.deepEqual([c.id, c.seqid], [0, 2]);
  t.release(c, true);
});

test('lowest free slot first; highest in use is reported; waiters queue when full', async () => {
  const t = new SlotTable(2);
  const s0 = await t.acquire();
  const s1 = await t.acquire();
  assert.equal(t.highestInUse(), 1);
  let got: number | undefined;
  const w = t.acquire().then((s) => { got = s.id; return s; });
  await new Promise((r) => setImmediate(r));
  assert.equal(got, undefined);
  t.release(s1, true);
  const s = await w;
  assert.equal(s.id, 1);
  assert.equal(s.seqid, 2);
  t.release(s0, true);
  t.release(s, true);
});

test('sr_target_highest_slotid limits new requests; sr_highest_slotid drops slots', async () => {
  const t = new SlotTable(8);
  t.update(7, 1);
  const a = await t.acquire();
  const b = await t.acquire();
  let third = false;
  const c = t.acquire().then((s) => { third = true; return s; });
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false, 'target 1 allows two slots');
  t.update(7, 3);
  assert.equal((await c).id, 2);
  t.update(1, 1);
  assert.equal(t.size, 2);
  assert.equal(t.targetHighestSlotId, 1);
  t.release(await c, true); // a dropped slot: ignored
  t.release(a, true);
  t.release(b, true);
  assert.equal(t.busyCount, 0);
});

test('BADSLOT shrinks below the slot; reset starts a new session with fresh seqids and keeps waiters', async () => {
  const t = new SlotTable(4);
  const s0 = await t.acquire();
  t.release(s0, true);
  assert.equal(t.shrinkBelow(0), false);
  assert.equal(t.shrinkBelow(2), true);
  assert.equal(t.size, 2);
  const x = await t.acquire();
  const y = await t.acquire();
  const waiter = t.acquire();
  t.reset(3);
  const z = await waiter;
  assert.deepEqual([z.id, z.seqid], [0, 1]);
  assert.equal(t.isCurrent(x), false);
  t.release(x, true);
  t.release(y, true);
  t.release(z, true);
  assert.equal(t.busyCount, 0);
});
