/**
 * NfsSource's small-read batching, against a client whose COMPOUNDs the test
 * answers by hand: requests made in one event-loop turn go out together in
 * full batches; a partial batch waits while another is in flight and goes
 * when that one is answered (or at once when nothing is in flight); every
 * request gets its own file's bytes; a failed batch is retried file by file.
 * Files a listing found with metadata are read ahead (read-ahead.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEntry } from '../../../appraiser/audit/audit-source.js';
import { NfsSource } from '../../../appraiser/audit/nfs-source.js';
import type { NfsClient } from '../../../client/nfs-client.js';

const CAP = 4;

interface Sent {
  files: { fh: Buffer; size: number }[];
  answer: (ok: boolean) => void;
}

function fakeClient() {
  const sent: Sent[] = [];
  const client = {
    imaSupported: true,
    smallReadLimit: 1 << 20,
    smallBatchMaxFiles: CAP,
    smallReadBatches(files: readonly unknown[]): number[][] {
      const out: number[][] = [];
      for (let i = 0; i < files.length; i += CAP) out.push(Array.from({ length: Math.min(CAP, files.length - i) }, (_, k) => i + k));
      return out;
    },
    readSmall(files: { fh: Buffer; size: number }[]): Promise<Buffer[]> {
      return new Promise((resolve, reject) => {
        sent.push({ files, answer: (ok) => (ok ? resolve(files.map((f) => Buffer.from(`data of ${f.fh.toString()}`))) : reject(new Error('batch failed'))) });
      });
    },
  };
  return { client: client as unknown as NfsClient, sent };
}

function entry(name: string): AuditEntry {
  return { path: name, type: 'file', size: 10, mode: 0o644, ref: { fh: Buffer.from(name), path: `/${name}`, type: 'file', size: 10 } };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const names = (s: Sent): string => s.files.map((f) => f.fh.toString()).join(',');

test('full batches go at once; a partial one waits for the batch in flight, then goes', async () => {
  const { client, sent } = fakeClient();
  const src = new NfsSource(client);
  const got = new Map<string, string>();
  const ask = (n: string) => (src.readWhole(entry(n)) as Promise<Buffer>).then((b) => got.set(n, b.toString()));
  // Nothing in flight: all six go, a full batch and the partial rest.
  const first = ['a', 'b', 'c', 'd', 'e', 'f'].map(ask);
  await turn();
  assert.deepEqual(sent.map(names), ['a,b,c,d', 'e,f']);
  // Two in flight: a partial batch is held...
  const second = ['g', 'h'].map(ask);
  await turn();
  assert.equal(sent.length, 2);
  // ...and goes out, with what arrived meanwhile, once a batch is answered and nothing more can join.
  sent[0].answer(true);
  await Promise.all(first.slice(0, 4));
  const third = ['i'].map(ask);
  await turn();
  assert.deepEqual(sent.map(names), ['a,b,c,d', 'e,f']);
  sent[1].answer(true);
  await Promise.all(first);
  await turn();
  assert.deepEqual(sent.map(names), ['a,b,c,d', 'e,f', 'g,h,i']);
  sent[2].answer(true);
  await Promise.all([...second, ...third]);
  for (const n of 'abcdefghi') assert.equal(got.get(n), `data of ${n}`);
});

test('a partial batch with a full one behind it: the full one goes, the partial waits', async () => {
  const { client, sent } = fakeClient();
  const src = new NfsSource(client);
  const p1 = ['a'].map((n) => src.readWhole(entry(n)));
  await turn();
  assert.deepEqual(sent.map(names), ['a']);
  const p2 = ['b', 'c', 'd', 'e', 'f'].map((n) => src.readWhole(entry(n)));
  await turn();
  assert.deepEqual(sent.map(names), ['a', 'b,c,d,e']);
  sent[0].answer(true);
  sent[1].answer(true);
  await Promise.all([...p1, ...p2.slice(0, 4)]);
  await turn();
  assert.deepEqual(sent.map(names), ['a', 'b,c,d,e', 'f']);
  sent[2].answer(true);
  assert.equal((await p2[4])!.toString(), 'data of f');
});

test('a failed batch: each file asked again alone, each gets its own answer', async () => {
  const { client, sent } = fakeClient();
  const src = new NfsSource(client);
  const ps = ['a', 'b', 'c'].map((n) => src.readWhole(entry(n)));
  await turn();
  sent[0].answer(false);
  await turn();
  assert.deepEqual(sent.map(names), ['a,b,c', 'a', 'b', 'c']);
  sent[1].answer(true);
  sent[2].answer(false);
  sent[3].answer(true);
  assert.equal((await ps[0])!.toString(), 'data of a');
  await assert.rejects(ps[1] as Promise<Buffer>, /batch failed/);
  assert.equal((await ps[2])!.toString(), 'data of c');
});

test('readWhole: only listed regular files within one READ; anything else streams', () => {
  const { client } = fakeClient();
  const src = new NfsSource(client);
  assert.equal(src.readWhole({ path: 'x', type: 'file', size: 10, mode: 0 }), null);
  assert.equal(src.readWhole({ ...entry('big'), size: (1 << 20) + 1, ref: { fh: Buffer.from('big'), path: '/big', type: 'file', size: (1 << 20) + 1 } }), null);
  assert.equal(src.readWhole({ ...entry('l'), type: 'symlink', ref: { fh: Buffer.from('l'), path: '/l', type: 'symlink', size: 3 } }), null);
});

test('listed signed small files are read ahead in name order; unsigned ones are not; each read is used once', async () => {
  const { client, sent } = fakeClient();
  const sig = Buffer.from('0302040000000000', 'hex');
  Object.assign(client, {
    location: { path: '/export' },
    walkEntries: async () => ['c', 'a', 'u', 'b', 'big', 'dir'].map((n) => ({
      name: n,
      type: n === 'dir' ? 'directory' : 'file',
      size: n === 'big' ? (1 << 20) + 1 : 10,
      mode: 0o644,
      fh: Buffer.from(n),
      error: undefined,
      ima: n === 'u' ? Buffer.alloc(0) : sig,
    })),
  });
  const src = new NfsSource(client);
  const listed = await src.list({ path: '', type: 'directory', size: 0, mode: 0o755 });
  assert.deepEqual(listed.map((e) => e.path), ['a', 'b', 'big', 'c', 'dir', 'u']);
  // a, b, c: one batch (CAP 4) sent at once; u has no metadata, big is streamed, dir is a directory.
  assert.deepEqual(sent.map(names), ['a,b,c']);
  const [a, b] = listed;
  assert.ok((src.readIma(a) as Buffer).equals(sig));
  const pa = src.readWhole(a);
  assert.ok(pa instanceof Promise, 'not come yet: a promise');
  sent[0].answer(true);
  assert.equal((await pa)!.toString(), 'data of a');
  // Come before it was asked for: the bytes at once.
  const wb = src.readWhole(b);
  assert.ok(Buffer.isBuffer(wb));
  assert.equal(wb.toString(), 'data of b');
  // A second appraisal of the same entry reads again (the demand path).
  const again = src.readWhole(a) as Promise<Buffer>;
  await turn();
  assert.deepEqual(sent.map(names), ['a,b,c', 'a']);
  sent[1].answer(true);
  assert.equal((await again).toString(), 'data of a');
});
