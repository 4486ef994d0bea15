/**
 * ReadAhead (the NFS audit's content read-ahead), against a client whose
 * COMPOUNDs the test answers by hand: files go out in queue order in full
 * batches; never more than maxCompounds in flight nor more than maxAhead
 * files past the engine's cursor; a file asked for before its bytes came
 * waits for them, after that gets them at once (no promise); a failed batch
 * is asked again file by file, each file gets its own answer, and an error
 * nobody asks for rejects nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadAhead, type AheadSlot } from '../../../appraiser/audit/read-ahead.js';

interface Sent {
  names: string;
  answer: (ok: boolean) => void;
}

function fakeClient(cap: number) {
  const sent: Sent[] = [];
  const client = {
    smallBatchMaxFiles: cap,
    readSmall(files: readonly { fh: Buffer }[]): Promise<Buffer[]> {
      return new Promise((resolve, reject) => {
        sent.push({
          names: files.map((f) => f.fh.toString()).join(','),
          answer: (ok) => (ok ? resolve(files.map((f) => Buffer.from(`data of ${f.fh.toString()}`))) : reject(new Error('batch failed'))),
        });
      });
    },
  };
  return { client, sent };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const names = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `f${from + i}`);

test('batches in queue order, at most maxCompounds in flight, the next sent when one is answered', async () => {
  const { client, sent } = fakeClient(3);
  const ra = new ReadAhead(client, 2, 100);
  const slots = names(10).map((n) => ra.add(Buffer.from(n), 10, `/${n}`));
  ra.pump();
  assert.deepEqual(sent.map((s) => s.names), ['f0,f1,f2', 'f3,f4,f5']);
  sent[0].answer(true);
  await tick();
  assert.deepEqual(sent.map((s) => s.names), ['f0,f1,f2', 'f3,f4,f5', 'f6,f7,f8']);
  sent[1].answer(true);
  await tick();
  // The rest is smaller than a batch: it goes as it is.
  assert.deepEqual(sent.map((s) => s.names), ['f0,f1,f2', 'f3,f4,f5', 'f6,f7,f8', 'f9']);
  sent[2].answer(true);
  sent[3].answer(true);
  await tick();
  for (const [i, s] of slots.entries()) {
    const b = ra.take(s);
    assert.ok(Buffer.isBuffer(b), 'a settled file comes at once, not as a promise');
    assert.equal(b.toString(), `data of f${i}`);
  }
});

test('no more than maxAhead files past the cursor; the window moves as the engine reaches files', async () => {
  const { client, sent } = fakeClient(2);
  const ra = new ReadAhead(client, 8, 4);
  const slots = names(10).map((n) => ra.add(Buffer.from(n), 10, `/${n}`));
  ra.pump();
  assert.deepEqual(sent.map((s) => s.names), ['f0,f1', 'f2,f3']);
  // One file reached: room for one file, not for a whole batch.
  ra.seen(slots[0]);
  assert.equal(sent.length, 2);
  ra.seen(slots[1]);
  assert.deepEqual(sent.map((s) => s.names), ['f0,f1', 'f2,f3', 'f4,f5']);
  // Reaching a file far ahead (one the policy made the engine skip to) opens the window that far.
  ra.seen(slots[7]);
  assert.deepEqual(sent.map((s) => s.names), ['f0,f1', 'f2,f3', 'f4,f5', 'f6,f7', 'f8,f9']);
});

test('a file asked for before it came waits for it; one not yet sent is sent', async () => {
  const { client, sent } = fakeClient(2);
  const ra = new ReadAhead(client, 1, 100);
  const slots = names(4).map((n) => ra.add(Buffer.from(n), 10, `/${n}`));
  ra.pump();
  const p0 = ra.take(slots[0]);
  const p3 = ra.take(slots[3]);
  assert.ok(p0 instanceof Promise && p3 instanceof Promise);
  assert.deepEqual(sent.map((s) => s.names), ['f0,f1']);
  sent[0].answer(true);
  assert.equal((await p0).toString(), 'data of f0');
  assert.deepEqual(sent.map((s) => s.names), ['f0,f1', 'f2,f3']);
  sent[1].answer(true);
  assert.equal((await p3).toString(), 'data of f3');
});

test('a failed batch: each file asked again alone; errors kept until asked, never unhandled', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => { unhandled.push(e); };
  process.on('unhandledRejection', onUnhandled);
  try {
    const { client, sent } = fakeClient(3);
    const ra = new ReadAhead(client, 4, 100);
    const slots: AheadSlot[] = names(3).map((n) => ra.add(Buffer.from(n), 10, `/${n}`));
    ra.pump();
    const waiting = ra.take(slots[0]);
    sent[0].answer(false);
    await tick();
    assert.deepEqual(sent.map((s) => s.names), ['f0,f1,f2', 'f0', 'f1', 'f2']);
    sent[1].answer(true);
    sent[2].answer(false);
    sent[3].answer(false);
    assert.equal((await waiting).toString(), 'data of f0');
    await tick();
    await tick();
    // f2 failed and nobody asked: nothing rejected yet. f1 asked now: its own error.
    await assert.rejects(ra.take(slots[1]) as Promise<Buffer>, /batch failed/);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('after close() nothing more is sent', () => {
  const { client, sent } = fakeClient(2);
  const ra = new ReadAhead(client, 4, 100);
  names(4).forEach((n) => ra.add(Buffer.from(n), 10, `/${n}`));
  ra.close();
  ra.pump();
  assert.equal(sent.length, 0);
});
