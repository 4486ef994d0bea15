/**
 * Per-lookup cost without weaker handles: a node's handle is MACed only when
 * it is returned (GETFH, the FILEHANDLE attribute), encoded handles are
 * cached per (dev, ino, generation), and FATTR4_IMA is read through a
 * verified descriptor without thread-pool hops. Real files in a temp export.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setAttributeSync } from '@napi-rs/xattr';
import { FATTR4 } from '../../../client/nfs4/constants.js';
import { nodeFattr } from '../../../server/attrs/node-attrs.js';
import { ExportFs } from '../../../server/fs/export-fs.js';
import { FileHandleCodec, type InodeId } from '../../../server/fs/file-handle.js';
import { FsError } from '../../../server/fs/fs-error.js';
import { readIma } from '../../../server/fs/ima-xattr.js';
import { OpenFiles } from '../../../server/fs/open-files.js';

const KEY = Buffer.alloc(32, 9);

function tempExport(t: { after(fn: () => void): void }): string {
  const base = mkdtempSync(join(tmpdir(), 'imafs-lazy-fh-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'export');
  mkdirSync(join(dir, 'd'), { recursive: true });
  writeFileSync(join(dir, 'd/f'), 'content\n');
  return dir;
}

/** Counts the MACs the codec computes (encodeUncached is the only place one is made for a handle). */
function countEncodes(fs: ExportFs): { n: number } {
  const c = { n: 0 };
  const codec = fs.handles as unknown as { encodeUncached(id: InodeId): Buffer };
  const orig = codec.encodeUncached.bind(codec);
  codec.encodeUncached = (id) => {
    c.n++;
    return orig(id);
  };
  return c;
}

test('LOOKUP builds no handle; the first use of node.fh MACs it once, and it resolves back to the node', async (t) => {
  const exp = await ExportFs.open(tempExport(t), KEY);
  const macs = countEncodes(exp);
  const root = await exp.rootNode();
  const d = await exp.lookup(root, 'd');
  const f = await exp.lookup(d, 'f');
  assert.equal(macs.n, 0, 'no handle computed by PUTROOTFH + LOOKUP + LOOKUP');
  const fh = f.fh;
  assert.equal(macs.n, 1);
  assert.equal(f.fh, fh, 'memoized on the node');
  assert.deepEqual(new FileHandleCodec(KEY).encode(f.id), fh, 'the same bytes as an eager encode under the same key');
  const again = await exp.lookup(d, 'f');
  assert.equal(again.fh, fh, 'a second LOOKUP reuses the cached handle');
  assert.equal(macs.n, 1);
  const back = await exp.resolve(fh);
  assert.equal(back.key, f.key);
  assert.equal(back.fh.equals(fh), true);
  assert.equal(macs.n, 1, 'PUTFH keeps the presented handle instead of MACing again');
});

test('a forged handle is still BADHANDLE, a replaced file still STALE (validation unchanged)', async (t) => {
  const dir = tempExport(t);
  const exp = await ExportFs.open(dir, KEY);
  const f = await exp.lookup(await exp.lookup(await exp.rootNode(), 'd'), 'f');
  const forged = Buffer.from(f.fh);
  forged.writeBigUInt64BE(forged.readBigUInt64BE(12) + 1n, 12);
  await assert.rejects(exp.resolve(forged), (e) => e instanceof FsError && e.kind === 'BADHANDLE');
  const other = new FileHandleCodec(Buffer.alloc(32, 1)).encode(f.id);
  await assert.rejects(exp.resolve(other), (e) => e instanceof FsError && e.kind === 'BADHANDLE');
  const fh = f.fh;
  writeFileSync(join(dir, 'd/g'), 'other\n');
  renameSync(join(dir, 'd/g'), join(dir, 'd/f'));
  await assert.rejects(exp.resolve(fh), (e) => e instanceof FsError && e.kind === 'STALE');
});

test('encoded-handle cache: bounded, keyed by generation, never returns another inode\'s handle', () => {
  const c = new FileHandleCodec(KEY);
  const ref = new FileHandleCodec(KEY);
  const a = { dev: 1n, ino: 2n, gen: 3n };
  assert.equal(c.encode(a), c.encode(a), 'hit returns the cached buffer');
  const regen = c.encode({ ...a, gen: 4n });
  assert.notDeepEqual(regen, c.encode(a), 'a reused inode number with a new generation gets a new handle');
  for (let i = 0n; i < 70_000n; i++) {
    const id = { dev: 1n, ino: 100n + i, gen: i };
    const fh = c.encode(id);
    if (i % 997n === 0n) assert.deepEqual(fh, ref.encode(id));
  }
  const cache = (c as unknown as { encoded: Map<string, Buffer> }).encoded;
  assert.ok(cache.size <= 65_536, `cache holds ${cache.size}`);
  assert.deepEqual(c.encode({ dev: 1n, ino: 100n + 69_999n, gen: 69_999n }), ref.encode({ dev: 1n, ino: 100n + 69_999n, gen: 69_999n }), 'a recent id hits, same bytes');
  assert.deepEqual(c.encode(a), ref.encode(a), 'an evicted id is MACed again, same bytes');
  assert.deepEqual(c.decode(c.encode(a)), a);
});

test('nodeFattr puts the handle in only when FILEHANDLE is asked for', async (t) => {
  const exp = await ExportFs.open(tempExport(t), KEY);
  const macs = countEncodes(exp);
  const settings = { imaAttr: 93, leaseSeconds: 90, persistentHandles: true };
  const node = await exp.lookup(await exp.rootNode(), 'd');
  const plain = nodeFattr({ node, minor: 2, settings, want: [FATTR4.TYPE, FATTR4.SIZE, FATTR4.CHANGE] });
  assert.equal(plain.filehandle, undefined);
  assert.equal(macs.n, 0);
  const withFh = nodeFattr({ node, minor: 2, settings, want: [FATTR4.TYPE, FATTR4.FILEHANDLE] });
  assert.deepEqual(withFh.filehandle, node.fh);
  assert.equal(macs.n, 1);
  assert.deepEqual(nodeFattr({ node, minor: 2, settings }).filehandle, node.fh, 'no want list: everything, as before');
});

test('readIma (sync path): the blob byte for byte, empty without one, STALE after a rename over', async (t) => {
  const dir = tempExport(t);
  const exp = await ExportFs.open(dir, KEY);
  const files = new OpenFiles(exp);
  const d = await exp.lookup(await exp.rootNode(), 'd');
  const f = await exp.lookup(d, 'f');
  assert.deepEqual(await readIma(files, f), Buffer.alloc(0));
  const blob = Buffer.from('0404deadbeef', 'hex');
  setAttributeSync(join(dir, 'd/f'), 'security.ima', blob);
  assert.deepEqual(await readIma(files, await exp.refresh(f)), blob);
  writeFileSync(join(dir, 'd/g'), 'other\n');
  setAttributeSync(join(dir, 'd/g'), 'security.ima', Buffer.from('0404cafe', 'hex'));
  renameSync(join(dir, 'd/g'), join(dir, 'd/f'));
  // The old node's path now holds another inode: its xattr must not be reported as f's.
  await assert.rejects(readIma(files, f), (e) => e instanceof FsError && e.kind === 'STALE');
});
