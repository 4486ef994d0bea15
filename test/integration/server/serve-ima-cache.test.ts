/**
 * The FATTR4_IMA cache (server/fs/ima-cache.ts) is never stale: after
 * setfattr, an evmctl re-sign, a rewrite with a new signature, a rename over
 * the path, and a SETATTR through the server, the very next READDIR and
 * GETATTR report the new security.ima byte for byte; values of files changed
 * within the last second are not kept; unchanged files are answered from the
 * cache (its hit counter moves). In-process server, hand-made COMPOUNDs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { setAttributeSync } from '@napi-rs/xattr';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FATTR4 } from '../../../client/nfs4/constants.js';
import { decodeFattr, encodeFattr, makeAttrConfig } from '../../../client/nfs4/fattr.js';
import { getattrOp } from '../../../client/nfs4/ops/getattr.js';
import { putfhOp } from '../../../client/nfs4/ops/putfh.js';
import { readdirOp } from '../../../client/nfs4/ops/readdir.js';
import { setattrOp } from '../../../client/nfs4/ops/setattr.js';
import { evmSign, makeKey, readIma, tmpDir } from '../../helpers/ima-keys.js';
import { rawSessionOnServe } from './raw-nfs.js';

const IMA = 93;
const MASK = [FATTR4.TYPE, FATTR4.SIZE, FATTR4.RDATTR_ERROR, FATTR4.FILEHANDLE, IMA];
const cfg = makeAttrConfig(IMA);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Res = any;

const blob = (tag: number): Buffer => Buffer.concat([Buffer.from([0x04, 0x04]), Buffer.alloc(32, tag)]);

async function setup(t: import('node:test').TestContext, names: string[]) {
  const d = tmpDir('imafs-imacache-');
  t.after(() => d.cleanup());
  names.forEach((n, i) => {
    writeFileSync(path.join(d.dir, n), `content of ${n}\n`);
    setAttributeSync(path.join(d.dir, n), 'security.ima', blob(i + 1));
  });
  // Only values of inodes whose ctime is over a second old are kept.
  await sleep(1100);
  const { s, c, rootFh } = await rawSessionOnServe(t, d.dir, { imaUpdates: 'root' });
  /** name -> { fh, ima } from one READDIR asking for FATTR4_IMA. */
  const list = async (): Promise<Map<string, { fh: Buffer; ima: Buffer }>> => {
    const r = await c.seq(2, [[putfhOp, { object: rootFh }], [readdirOp, { cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 0, maxcount: 65536, attrRequest: MASK }]]);
    assert.equal(r.status, 0);
    const out = new Map<string, { fh: Buffer; ima: Buffer }>();
    for (const e of (r.results[2].res as Res).resok.entries) {
      const f = decodeFattr(e.attrs, cfg);
      out.set(e.name, { fh: Buffer.from(f.filehandle!), ima: Buffer.from(f.ima!) });
    }
    return out;
  };
  const getIma = async (fh: Buffer): Promise<Buffer> => {
    const r = await c.seq(2, [[putfhOp, { object: fh }], [getattrOp, { attrRequest: [IMA] }]]);
    assert.equal(r.status, 0);
    return Buffer.from(decodeFattr((r.results[2].res as Res).resok.objAttributes, cfg).ima!);
  };
  const setIma = async (fh: Buffer, value: Buffer): Promise<number> => {
    const r = await c.seq(2, [[putfhOp, { object: fh }], [setattrOp, { stateid: { seqid: 0, other: Buffer.alloc(12) }, objAttributes: encodeFattr({ ima: value }, cfg) }]]);
    return r.status;
  };
  return { dir: d.dir, cache: s.server.core.files.ima, list, getIma, setIma };
}

/** What the export's files carry now, read locally. */
function onDisk(dir: string, name: string): Buffer {
  return readIma(path.join(dir, name)) ?? Buffer.alloc(0);
}

test('FATTR4_IMA cache: unchanged files are answered from it, byte for byte', async (t) => {
  const names = ['a', 'b', 'c'];
  const h = await setup(t, names);
  const first = await h.list();
  for (const n of names) assert.deepEqual(first.get(n)!.ima, onDisk(h.dir, n), n);
  assert.equal(h.cache.size, 3, 'the three settled files are kept');
  const hits = h.cache.hits;
  const again = await h.list();
  for (const n of names) assert.deepEqual(again.get(n)!.ima, onDisk(h.dir, n), n);
  assert.equal(h.cache.hits - hits, 3, 'the second listing used the kept values');
  assert.deepEqual(await h.getIma(first.get('a')!.fh), onDisk(h.dir, 'a'));
  assert.equal(h.cache.hits - hits, 4, 'GETATTR used it too');
});

test('FATTR4_IMA cache: setfattr, evmctl re-sign, rewrite + re-sign and rename-over are seen at once', async (t) => {
  const names = ['set', 'evm', 'rewrite', 'renamed', 'other'];
  const h = await setup(t, names);
  const before = await h.list();
  assert.equal(h.cache.size, 5);
  const keys = tmpDir('imafs-imacache-key-');
  t.after(() => keys.cleanup());
  const key = makeKey(keys.dir, 'rsa2048', { name: 'resign' });

  const fresh = Buffer.from('0404' + 'ab'.repeat(32), 'hex');
  execFileSync('setfattr', ['-n', 'security.ima', '-v', `0x${fresh.toString('hex')}`, path.join(h.dir, 'set')]);
  const evm = evmSign(path.join(h.dir, 'evm'), key);
  writeFileSync(path.join(h.dir, 'rewrite'), 'other content of the same length\n');
  const rewritten = evmSign(path.join(h.dir, 'rewrite'), key);
  writeFileSync(path.join(h.dir, 'new'), 'replacement\n');
  setAttributeSync(path.join(h.dir, 'new'), 'security.ima', blob(99));
  renameSync(path.join(h.dir, 'new'), path.join(h.dir, 'renamed'));

  const hits0 = h.cache.hits;
  const after = await h.list();
  assert.deepEqual(after.get('set')!.ima, fresh, 'setfattr');
  assert.deepEqual(after.get('evm')!.ima, evm, 'evmctl ima_sign');
  assert.notDeepEqual(evm, before.get('evm')!.ima);
  assert.deepEqual(after.get('rewrite')!.ima, rewritten, 'rewrite + evmctl ima_sign');
  assert.deepEqual(after.get('renamed')!.ima, blob(99), 'rename over the path');
  assert.deepEqual(after.get('other')!.ima, blob(5), 'untouched');
  for (const n of names) assert.deepEqual(after.get(n)!.ima, onDisk(h.dir, n), n);
  // GETATTR through the handles listed before the change: the same new values.
  assert.deepEqual(await h.getIma(before.get('set')!.fh), fresh);
  assert.deepEqual(await h.getIma(before.get('evm')!.fh), evm);
  assert.deepEqual(await h.getIma(after.get('renamed')!.fh), blob(99));

  // Changed less than a second ago: answered, never kept; only 'other' was answered from the cache.
  assert.equal(h.cache.hits - hits0, 1, 'only the untouched file was a hit');
  const hits1 = h.cache.hits;
  assert.deepEqual((await h.list()).get('set')!.ima, fresh);
  assert.equal(h.cache.hits - hits1, 1, 'values of just-changed inodes were not kept');
  await sleep(1100);
  const settled = await h.list();
  for (const n of names) assert.deepEqual(settled.get(n)!.ima, onDisk(h.dir, n), n);
  const hits2 = h.cache.hits;
  const cached = await h.list();
  for (const n of names) assert.deepEqual(cached.get(n)!.ima, onDisk(h.dir, n), n);
  assert.equal(h.cache.hits - hits2, 5, 'kept again once their ctime is a second old');
});

test('FATTR4_IMA cache: SETATTR through the server and a removal are seen by the next GETATTR and READDIR', async (t) => {
  const h = await setup(t, ['f']);
  const fh = (await h.list()).get('f')!.fh;
  assert.deepEqual(await h.getIma(fh), blob(1));
  const next = blob(42);
  assert.equal(await h.setIma(fh, next), 0);
  assert.deepEqual(await h.getIma(fh), next);
  assert.deepEqual((await h.list()).get('f')!.ima, next);
  assert.equal(await h.setIma(fh, Buffer.alloc(0)), 0);
  assert.deepEqual(await h.getIma(fh), Buffer.alloc(0));
  assert.deepEqual((await h.list()).get('f')!.ima, Buffer.alloc(0));
  assert.equal(onDisk(h.dir, 'f').length, 0);
});
