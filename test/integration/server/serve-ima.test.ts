/**
 * FATTR4_IMA end to end: the imafs client against imafs serve, with blobs
 * written by the real evmctl. Covers the value served, SETATTR updates across
 * the --ima-updates matrix, size limits, VERIFY/NVERIFY, OPEN(CREATE) with
 * FATTR4_IMA, and the read-only export's answers to other attributes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chownSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { NfsClient } from '../../../client/nfs-client.js';
import { NFS4ERR, encodeFattr, makeAttrConfig, openOp, putrootfhOp, lookupOp, setattrOp } from '../../../client/nfs4/index.js';
import { makeKey, evmSign, readIma, removeIma, writeIma, tmpDir, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { IMAFS_BIN, startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { RawNfs } from './raw-nfs.js';

const run = promisify(execFile);
let t: TmpDir;
let key: TestKey;
let signed: Buffer;
const started: ServeHandle[] = [];
const clients: NfsClient[] = [];

async function serve(args: string[] = []): Promise<ServeHandle> {
  const s = await startImafsServe(path.join(t.dir, 'export'), { args });
  started.push(s);
  return s;
}
async function client(s: ServeHandle, o: Record<string, unknown> = {}): Promise<NfsClient> {
  const c = await NfsClient.connect(s.url(), o);
  clients.push(c);
  return c;
}
const file = (n: string) => path.join(t.dir, 'export', n);

before(async () => {
  t = tmpDir('imafs-serve-ima-');
  key = makeKey(t.dir, 'rsa2048');
  await run('mkdir', ['-p', path.join(t.dir, 'export')]);
  writeFileSync(file('signed.bin'), 'signed content\n');
  signed = evmSign(file('signed.bin'), key, 'sha256');
  writeFileSync(file('plain.txt'), 'no metadata\n');
  writeFileSync(file('owned.bin'), 'owned by 1000\n');
  chownSync(file('owned.bin'), 1000, 1000);
});
after(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  for (const s of started) await s.stop();
  t?.cleanup();
});

test('imafs stat --json: imaSupported and the exact evmctl blob as hex; null for a file without metadata', async () => {
  const s = await serve();
  const a = JSON.parse((await run(process.execPath, [IMAFS_BIN, 'stat', '--json', s.url('signed.bin')])).stdout);
  assert.equal(a.imaSupported, true);
  assert.equal(a.ima, signed.toString('hex'));
  assert.equal(a.nfsVersion, '4.2');
  const b = JSON.parse((await run(process.execPath, [IMAFS_BIN, 'stat', '--json', s.url('plain.txt')])).stdout);
  assert.equal(b.imaSupported, true);
  assert.equal(b.ima, null);
  const c = await client(s);
  assert.deepEqual(await c.getIma('signed.bin'), signed);
  assert.deepEqual(await c.getIma('plain.txt'), Buffer.alloc(0));
});

type Who = { name: string; auth: { uid: number; gid: number; gids: number[] } };
const WHO: Who[] = [
  { name: 'root', auth: { uid: 0, gid: 0, gids: [] } },
  { name: 'owner', auth: { uid: 1000, gid: 1000, gids: [] } },
  { name: 'group member', auth: { uid: 3000, gid: 3000, gids: [1000] } },
  { name: 'stranger', auth: { uid: 2000, gid: 2000, gids: [] } },
];
const MATRIX: Array<{ rules: string; allowed: string[] }> = [
  { rules: 'none', allowed: [] },
  { rules: 'root', allowed: ['root'] },
  { rules: 'owner', allowed: ['owner', 'group member'] },
  { rules: 'clients=127.0.0.1', allowed: ['root', 'owner', 'group member', 'stranger'] },
  { rules: 'clients=10.0.0.0/8;192.168.0.0/16', allowed: [] },
  { rules: 'root,owner', allowed: ['root', 'owner', 'group member'] },
];

for (const m of MATRIX) {
  test(`--ima-updates ${m.rules}: setIma/removeIma allowed for [${m.allowed.join(', ')}] only, refusals logged`, async () => {
    const s = await serve(['--ima-updates', m.rules]);
    const blob = Buffer.concat([Buffer.from([0x03, 0x02]), Buffer.alloc(40, 0x5a)]);
    for (const who of WHO) {
      writeIma(file('owned.bin'), signed);
      const c = await client(s, { auth: who.auth });
      if (m.allowed.includes(who.name)) {
        await c.setIma('owned.bin', blob);
        assert.deepEqual(readIma(file('owned.bin')), blob, `${who.name} replaced the blob`);
        assert.deepEqual(await c.getIma('owned.bin'), blob);
        await c.removeIma('owned.bin');
        assert.equal(readIma(file('owned.bin')), null, `${who.name} removed the blob`);
      } else {
        await assert.rejects(c.setIma('owned.bin', blob), (e: { status?: number }) => e.status === NFS4ERR.ACCESS, `${who.name} must get NFS4ERR_ACCESS`);
        await assert.rejects(c.removeIma('owned.bin'), (e: { status?: number }) => e.status === NFS4ERR.ACCESS);
        assert.deepEqual(readIma(file('owned.bin')), signed, `${who.name} changed nothing`);
        await s.waitForOutput(new RegExp(`refused SETATTR\\(FATTR4_IMA\\) /owned.bin for 127\\.0\\.0\\.1:\\d+ uid=${who.auth.uid}`));
      }
    }
  });
}

test('SETATTR: FATTR4_IMA over 4096 bytes is INVAL; other attributes are ROFS / INVAL / ATTRNOTSUPP; nothing changes', async () => {
  const s = await serve(['--ima-updates', 'root']);
  writeIma(file('owned.bin'), signed);
  const c = await RawNfs.connect(s.port);
  try {
    await c.createSession(2);
    const cfg = makeAttrConfig(93);
    // Encode a 4097-byte ima_data4 by hand: the shared encoder refuses to.
    const big = Buffer.alloc(4097, 1);
    const vals = Buffer.concat([Buffer.from([0, 0, 0x10, 0x01]), big, Buffer.alloc(3)]);
    const anon = { seqid: 0, other: Buffer.alloc(12) };
    const set = (attrs: { attrmask: number[]; attrVals: Buffer }) =>
      c.seq(2, [[putrootfhOp, {}], [lookupOp, { objname: 'owned.bin' }], [setattrOp, { stateid: anon, objAttributes: attrs }]]);
    const r1 = await set({ attrmask: [93], attrVals: vals });
    assert.equal(r1.status, NFS4ERR.INVAL);
    assert.deepEqual((r1.results[3].res as unknown as { attrsset: number[] }).attrsset, []);
    assert.equal((await set(encodeFattr({ mode: 0o777 }, cfg))).status, NFS4ERR.ROFS);
    assert.equal((await set(encodeFattr({ type: 1 }, cfg))).status, NFS4ERR.INVAL);
    assert.equal((await set(encodeFattr({ acl: [] }, cfg))).status, NFS4ERR.ATTRNOTSUPP);
    assert.deepEqual(readIma(file('owned.bin')), signed);
    const ok = await set(encodeFattr({ ima: Buffer.alloc(100, 2) }, cfg));
    assert.equal(ok.status, 0);
    assert.deepEqual((ok.results[3].res as unknown as { attrsset: number[] }).attrsset, [93]);
    assert.deepEqual(readIma(file('owned.bin')), Buffer.alloc(100, 2));
  } finally {
    c.close();
  }
});

test('VERIFY / NVERIFY on FATTR4_IMA: equal and different values', async () => {
  const s = await serve();
  const c = await client(s);
  assert.equal(await c.verifyIma('signed.bin', signed), true);
  assert.equal(await c.nverifyIma('signed.bin', signed), false);
  const other = Buffer.from(signed);
  other[other.length - 1] ^= 1;
  assert.equal(await c.verifyIma('signed.bin', other), false);
  assert.equal(await c.nverifyIma('signed.bin', other), true);
  assert.equal(await c.verifyIma('plain.txt', Buffer.alloc(0)), true);
});

test('OPEN(CREATE) carrying FATTR4_IMA is INVAL (draft §4.3.1); without it ROFS; OPEN for write ROFS', async () => {
  const s = await serve(['--ima-updates', 'root']);
  const c = await RawNfs.connect(s.port);
  try {
    await c.createSession(2);
    const cfg = makeAttrConfig(93);
    const openArgs = (createattrs: { attrmask: number[]; attrVals: Buffer } | undefined, access = 1) => ({
      seqid: 0, shareAccess: access, shareDeny: 0, owner: { clientid: c.clientid!, owner: Buffer.from('o1') },
      openhow: createattrs ? { opentype: 1, how: { mode: 0, createattrs } } : { opentype: 0 },
      claim: { claim: 0, file: createattrs ? 'new.bin' : 'plain.txt' },
    });
    const withIma = await c.seq(2, [[putrootfhOp, {}], [openOp, openArgs(encodeFattr({ ima: signed, mode: 0o644 }, cfg))]]);
    assert.equal(withIma.status, NFS4ERR.INVAL);
    const plain = await c.seq(2, [[putrootfhOp, {}], [openOp, openArgs(encodeFattr({ mode: 0o644 }, cfg))]]);
    assert.equal(plain.status, NFS4ERR.ROFS);
    const write = await c.seq(2, [[putrootfhOp, {}], [openOp, openArgs(undefined, 3)]]);
    assert.equal(write.status, NFS4ERR.ROFS);
    const read = await c.seq(2, [[putrootfhOp, {}], [openOp, openArgs(undefined, 1)]]);
    assert.equal(read.status, 0);
  } finally {
    c.close();
  }
  assert.equal(readIma(file('plain.txt')), null);
  await assert.rejects(run('test', ['-e', file('new.bin')]));
});

test('a copy without metadata and a directory both serve an empty FATTR4_IMA', async () => {
  copyFileSync(file('signed.bin'), file('copy.bin'));
  removeIma(file('copy.bin'));
  const s = await serve();
  const c = await client(s);
  assert.deepEqual(await c.getIma('copy.bin'), Buffer.alloc(0));
  assert.deepEqual(await c.getIma(''), Buffer.alloc(0));
});
