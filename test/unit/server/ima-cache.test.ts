/**
 * ImaCache (server/fs/ima-cache.ts): what may be kept (settled ctime, the
 * export's device, a short fill), what a hit requires (the same dev, ino,
 * birth time, ctime ns and size), a wall clock stepping back, the bounds; and
 * readImaOpened not keeping a value read while a rename swapped the path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, renameSync, writeFileSync, type BigIntStats } from 'node:fs';
import { setAttributeSync } from '@napi-rs/xattr';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImaCache, trustsCtime } from '../../../server/fs/ima-cache.js';
import { ExportFs } from '../../../server/fs/export-fs.js';
import { readImaOpened, readImaSync } from '../../../server/fs/ima-xattr.js';
import { OpenFiles } from '../../../server/fs/open-files.js';
import { tmpDir } from '../../helpers/ima-keys.js';

const DEV = 2049n;
const S = 1_000_000_000n;

function st(p: Partial<{ dev: bigint; ino: bigint; birthtimeNs: bigint; ctimeNs: bigint; size: bigint }> = {}): BigIntStats {
  const now = BigInt(Date.now()) * 1_000_000n;
  return { dev: DEV, ino: 7n, birthtimeNs: now - 100n * S, ctimeNs: now - 5n * S, size: 100n, ...p } as unknown as BigIntStats;
}

test('ImaCache: a settled inode is kept and served while dev, ino, birth time, ctime and size are unchanged', () => {
  const c = new ImaCache(DEV);
  const s = st();
  const blob = Buffer.from('0404aa', 'hex');
  c.put('2049:7', s, blob, Date.now());
  assert.equal(c.get('2049:7', s), blob);
  assert.equal(c.get('2049:7', { ...s } as BigIntStats), blob, 'another stat of the same state');
  assert.equal(c.hits, 2);
  for (const change of [{ ctimeNs: s.ctimeNs + 1n }, { size: 101n }, { birthtimeNs: s.birthtimeNs + 1n }]) {
    const d = new ImaCache(DEV);
    d.put('2049:7', s, blob, Date.now());
    assert.equal(d.get('2049:7', { ...s, ...change } as BigIntStats), undefined, JSON.stringify(change, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(d.get('2049:7', s), undefined, 'a mismatch drops the entry');
  }
  assert.equal(c.get('2049:8', s), undefined, 'another inode key');
  assert.equal(c.get('2049:7', { ...s, dev: 5n } as BigIntStats), undefined, 'another device');
});

test('ImaCache: a ctime less than a second old, another device, a slow fill or a disabled cache keeps nothing', () => {
  const now = Date.now();
  const blob = Buffer.from('0404bb', 'hex');
  const young = new ImaCache(DEV);
  young.put('k', st({ ctimeNs: BigInt(now - 900) * 1_000_000n }), blob, now);
  assert.equal(young.size, 0, 'ctime 0.9 s old');
  young.put('k', st({ ctimeNs: BigInt(now - 1000) * 1_000_000n }), blob, now);
  assert.equal(young.size, 1, 'ctime exactly 1 s old');
  const other = new ImaCache(DEV);
  other.put('k', st({ dev: 9n }), blob, now);
  assert.equal(other.size, 0, 'only the export\'s device');
  const slow = new ImaCache(DEV);
  slow.put('k', st(), blob, now - 500);
  assert.equal(slow.size, 0, 'a fill that took 500 ms');
  slow.put('k', st(), blob, now + 60_000);
  assert.equal(slow.size, 0, 'a clock that stepped back during the fill');
  const off = new ImaCache(undefined);
  off.put('k', st({ dev: DEV }), blob, now);
  assert.equal(off.size, 0);
  assert.equal(off.enabled, false);
  assert.equal(off.get('k', st()), undefined);
});

test('ImaCache: the wall clock stepping back by more than half a second empties it', (t) => {
  const c = new ImaCache(DEV);
  const s = st();
  c.put('k', s, Buffer.from('04', 'hex'), Date.now());
  const realNow = Date.now;
  t.after(() => {
    Date.now = realNow;
  });
  Date.now = () => realNow() - 400;
  assert.ok(c.get('k', s), 'a 0.4 s step cannot reuse a kept ctime (kept ones are >= 1 s old)');
  Date.now = () => realNow() - 2000;
  assert.equal(c.get('k', s), undefined);
  assert.equal(c.size, 0);
});

test('ImaCache: bounded by entries and bytes (two generations)', (t) => {
  // Both clocks held still: 80,000 puts take a few hundred ms, and on a busy
  // VM a host pause (a fill that looks slow) or a wall-clock correction (the
  // cache empties itself, as the test above shows) must not decide this one.
  const realNow = Date.now;
  const realPerf = performance.now;
  const wall = realNow();
  const mono = performance.now();
  Date.now = () => wall;
  performance.now = () => mono;
  t.after(() => {
    Date.now = realNow;
    performance.now = realPerf;
  });
  const c = new ImaCache(DEV);
  for (let i = 0; i < 70_000; i++) c.put(`k${i}`, st({ ino: BigInt(i) }), Buffer.alloc(1), Date.now());
  assert.ok(c.size <= 65_536, `${c.size} entries`);
  assert.ok(c.get('k69999', st({ ino: 69_999n })), 'the newest are kept');
  const big = new ImaCache(DEV);
  for (let i = 0; i < 10_000; i++) big.put(`k${i}`, st({ ino: BigInt(i) }), Buffer.alloc(4096), Date.now());
  assert.ok(big.size * 4096 <= 16 * 1024 * 1024, `${big.size} blobs of 4 KiB`);
});

test('ImaCache: ext4, xfs, btrfs, tmpfs are trusted to move ctime on setxattr; nfs, fuse are not', () => {
  assert.equal(trustsCtime(0xef53), true);
  assert.equal(trustsCtime(0x58465342), true);
  assert.equal(trustsCtime(0x9123683en), true);
  assert.equal(trustsCtime(0x01021994), true);
  assert.equal(trustsCtime(0x6969), false, 'NFS');
  assert.equal(trustsCtime(0x65735546), false, 'FUSE');
});

test('readImaSync keeps the value of a settled file, and a later change of it is seen', async (t) => {
  const d = tmpDir('imafs-imacache-unit-');
  t.after(() => d.cleanup());
  mkdirSync(join(d.dir, 'd'));
  writeFileSync(join(d.dir, 'd/f'), 'f\n');
  setAttributeSync(join(d.dir, 'd/f'), 'security.ima', Buffer.from('0404aa', 'hex'));
  await sleep(1100);
  const exp = await ExportFs.open(d.dir);
  const files = new OpenFiles(exp);
  assert.ok(files.ima.enabled, 'os.tmpdir() is on a filesystem that moves ctime');
  const f = await exp.lookup(await exp.lookup(await exp.rootNode(), 'd'), 'f');
  assert.deepEqual(readImaSync(files, f), Buffer.from('0404aa', 'hex'));
  assert.equal(files.ima.size, 1);
  assert.deepEqual(readImaSync(files, await exp.refresh(f)), Buffer.from('0404aa', 'hex'));
  assert.equal(files.ima.hits, 1);
  setAttributeSync(join(d.dir, 'd/f'), 'security.ima', Buffer.from('0404bb', 'hex'));
  assert.deepEqual(readImaSync(files, await exp.refresh(f)), Buffer.from('0404bb', 'hex'));
  assert.equal(files.ima.hits, 1);
});

test('readImaOpened does not keep a value read by path after the path was renamed over', async (t) => {
  const d = tmpDir('imafs-imacache-swap-');
  t.after(() => d.cleanup());
  writeFileSync(join(d.dir, 'a'), 'a\n');
  setAttributeSync(join(d.dir, 'a'), 'security.ima', Buffer.from('0404aa', 'hex'));
  writeFileSync(join(d.dir, 'b'), 'b\n');
  setAttributeSync(join(d.dir, 'b'), 'security.ima', Buffer.from('0404bb', 'hex'));
  await sleep(1100);
  const exp = await ExportFs.open(d.dir);
  const files = new OpenFiles(exp);
  const a = await exp.lookup(await exp.rootNode(), 'a');
  const since = Date.now();
  const { fd, st: ast } = files.openVerifiedSyncStat(a);
  // The verified descriptor is a's; the path now names b (a race the server cannot prevent).
  renameSync(join(d.dir, 'b'), join(d.dir, 'a'));
  readImaOpened(files, a, fd, ast, { since });
  assert.equal(files.ima.size, 0, 'nothing is kept for a\'s inode');
  assert.equal(files.ima.get(a.key, ast), undefined);
  assert.throws(() => closeSync(fd), /EBADF/, 'readImaOpened closed the descriptor');
});
