import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttrCache } from '../../../appraiser/fuse/attr-cache.js';
import type { RemoteStat, RemoteTree } from '../../../appraiser/fuse/remote-tree.js';
import { mountId } from '../../../appraiser/fuse/state-files.js';
import { parseHelperArgs } from '../../../bin/mount-imafs.js';

const stat = (size: number): RemoteStat => ({ type: 'file', size, mode: 0o644, fileid: 1n, change: BigInt(size), atime: undefined, mtime: undefined, ctime: undefined });

test('attribute cache: one request per TTL, shared by concurrent callers; failures are not cached; entries from readdir count', async () => {
  let now = 0;
  let calls = 0;
  let fail = false;
  const tree = {
    imaSupported: true,
    stat: async () => { calls++; if (fail) throw Object.assign(new Error('gone'), { code: 'IMAFS_NFS_STATUS', status: 2 }); return stat(calls); },
    readdir: async () => [{ name: 'a', stat: stat(99) }],
  } as unknown as RemoteTree;
  const c = new AttrCache(tree, 1000, () => now);
  const [x, y] = await Promise.all([c.stat('f'), c.stat('f')]);
  assert.equal(x.size, 1);
  assert.equal(y.size, 1);
  now = 999;
  assert.equal((await c.stat('f')).size, 1);
  now = 1000;
  assert.equal((await c.stat('f')).size, 2);
  fail = true;
  now = 5000;
  await assert.rejects(c.stat('f'));
  fail = false;
  assert.equal((await c.stat('f')).size, 4);
  await c.readdir('d');
  assert.equal((await c.stat('d/a')).size, 99);
  c.put('f', stat(7));
  assert.equal((await c.stat('f')).size, 7);
});

test('state file names are unique per mountpoint', () => {
  assert.equal(mountId('/opt/sw'), 'opt-sw');
  assert.equal(mountId('/tmp/a b/c-d'), 'tmp-a_20b-c_2dd');
  assert.notEqual(mountId('/a-b'), mountId('/a/b'));
  assert.equal(mountId('/'), '-');
});

test('mount.imafs parses mount(8)\'s helper calling convention', () => {
  assert.deepEqual(parseHelperArgs(['127.0.0.1:/x', '/mnt', '-o', 'ro,keys=/k', '-n', '-v']),
    { source: '127.0.0.1:/x', mountpoint: '/mnt', options: ['ro,keys=/k'], fake: false, sloppy: false, verbose: true });
  assert.deepEqual(parseHelperArgs(['nfs://h/x', '/mnt', '-sf', '-t', 'imafs']),
    { source: 'nfs://h/x', mountpoint: '/mnt', options: [], fake: true, sloppy: true, verbose: false });
  assert.equal(parseHelperArgs(['/mnt']), undefined);
  assert.equal(parseHelperArgs(['a', 'b', '--bogus']), undefined);
});
