/**
 * The server's one-pass READDIR entry list (server/ops/readdir-reply.ts)
 * writes the same bytes as the shared codec (client/nfs4/ops/readdir.ts) for
 * any entries: ASCII and multi-byte names of every padding, attrmasks of one
 * and three words, empty and unaligned attr_vals, big cookies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirOp, type Entry4, type ReaddirRes } from '../../../client/nfs4/ops/readdir.js';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { XdrWriter } from '../../../client/xdr/xdr-writer.js';
import { NFS4_OK, NFS4ERR } from '../../../client/nfs4/status.js';
import { DirlistBuilder, entrySize, serverReaddirOp } from '../../../server/ops/readdir-reply.js';

function encodeWith(codec: { encodeRes(w: XdrWriter, r: never): void }, res: unknown): Buffer {
  const w = new XdrWriter(64);
  codec.encodeRes(w, res as never);
  return w.finish();
}

const NAMES = ['a', 'ab', 'abc', 'abcd', 'abcde', 'grüße', '日本語のファイル', 'x'.repeat(255), 'f00001'];
const MASKS: number[][] = [[], [1], [1, 4, 19, 33], [0, 31, 32, 63, 64, 93], [11]];

test('DirlistBuilder: byte for byte what the shared READDIR codec writes', () => {
  for (let round = 0; round < 50; round++) {
    const vals: Buffer[] = [];
    const entries: Entry4[] = [];
    const list = new DirlistBuilder();
    let at = 0;
    const n = round % 7;
    for (let i = 0; i < n; i++) {
      const name = NAMES[(round + i) % NAMES.length];
      const attrmask = MASKS[(round * 3 + i) % MASKS.length];
      // attr_vals of any length here (the shared writer pads them the same way).
      const v = randomBytes((round * 13 + i * 7) % 300);
      vals.push(Buffer.alloc((round + i) % 3), v); // junk between spans is skipped
      at += (round + i) % 3;
      const cookie = round === 49 ? 2 ** 40 + i : i + 3;
      const nameBytes = Buffer.byteLength(name);
      list.add(cookie, name, nameBytes, attrmask, at, at + v.length, entrySize(nameBytes, attrmask, v.length));
      at += v.length;
      entries.push({ cookie: BigInt(cookie), name, attrs: { attrmask, attrVals: v } });
    }
    const verf = randomBytes(8);
    const eof = round % 2 === 0;
    const mine = encodeWith(serverReaddirOp, { status: NFS4_OK, resok: { cookieverf: verf, list: list.finish(Buffer.concat(vals)), eof } });
    const shared = encodeWith(readdirOp, { status: NFS4_OK, resok: { cookieverf: verf, entries, eof } });
    assert.deepEqual(mine, shared, `round ${round}`);
    const back = readdirOp.decodeRes(new XdrReader(mine)) as ReaddirRes;
    assert.equal(back.resok!.entries.length, n);
    assert.deepEqual(back.resok!.entries.map((e) => e.name), entries.map((e) => e.name));
  }
});

test('serverReaddirOp: error results and shared-shape results as the shared codec', () => {
  assert.deepEqual(encodeWith(serverReaddirOp, { status: NFS4ERR.NOTDIR }), encodeWith(readdirOp, { status: NFS4ERR.NOTDIR }));
  const resok = { cookieverf: Buffer.alloc(8, 1), entries: [{ cookie: 3n, name: 'a', attrs: { attrmask: [1], attrVals: Buffer.alloc(4) } }], eof: true };
  assert.deepEqual(encodeWith(serverReaddirOp, { status: NFS4_OK, resok }), encodeWith(readdirOp, { status: NFS4_OK, resok }));
});

test('DirlistBuilder: the shared writer\'s limits hold (name, attrmask bit, cookie)', () => {
  const list = new DirlistBuilder();
  assert.throws(() => list.add(3, 'a', 5000, [1], 0, 0, 0), /component4/);
  assert.throws(() => list.add(3, 'a', 1, [256], 0, 0, 0), /bitmap4/);
  assert.throws(() => list.add(-1, 'a', 1, [1], 0, 0, 0), /cookie/);
  assert.equal(list.count, 0);
});
