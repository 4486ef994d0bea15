import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandMountOptions, knownOptions, parseSize } from '../../../appraiser/fuse/mount-options.js';
import { fuseOptionString } from '../../../appraiser/fuse/fuse-adapter.js';
import { parseMountinfo } from '../../../appraiser/fuse/mount-table.js';

test('-o options become the same command-line flags; kernel flags pass through; fstab words are ignored', () => {
  const r = expandMountOptions(['rw,defaults,_netdev,x-systemd.automount,nosuid,nodev,policy=audit,keys=/etc/k1.pem,keys=/etc/k2,ca=/etc/ca.pem',
    'cache-size=512M,cache_dir=/var/cache/imafs,require_signature,allow_other=no,ima_attr=93,gids=1\\,2,log=/var/log/m.log']);
  assert.deepEqual(r.mountFlags, ['nosuid', 'nodev']);
  assert.deepEqual(r.argv, ['--policy', 'audit', '--keys', '/etc/k1.pem', '--keys', '/etc/k2', '--ca', '/etc/ca.pem', '--cache-size', '512M',
    '--cache-dir', '/var/cache/imafs', '--require-signature', '--ima-attr', '93', '--gids', '1,2', '--log', '/var/log/m.log']);
});

test('-o options: unknown words and missing values are IMAFS_CONFIG naming the option', () => {
  assert.throws(() => expandMountOptions(['frobnicate']), { code: 'IMAFS_CONFIG', message: /unknown mount option 'frobnicate'/ });
  assert.throws(() => expandMountOptions(['keys']), { code: 'IMAFS_CONFIG', message: /needs a value/ });
  assert.throws(() => expandMountOptions(['require_signature=maybe']), { code: 'IMAFS_CONFIG' });
});

test('sizes use binary units', () => {
  assert.equal(parseSize('1048576'), 1048576);
  assert.equal(parseSize('2G'), 2 * 2 ** 30);
  assert.equal(parseSize('1.5GiB'), 1.5 * 2 ** 30);
  assert.equal(parseSize('64k'), 65536);
  assert.throws(() => parseSize('0'), { code: 'IMAFS_CONFIG' });
});

test('libfuse option string: read-only, auto_cache with re-check at every open, escaped fsname', () => {
  assert.equal(fuseOptionString({ fsname: 'h:/a,b', attrTimeoutSec: 1, allowOther: true, mountFlags: ['nosuid'] }),
    '-oro,fsname=h:/a\\,b,subtype=imafs,auto_cache,ac_attr_timeout=0,attr_timeout=1,entry_timeout=1,allow_other,nosuid');
});

test('mountinfo parsing unescapes octal and finds the fs type after the separator', () => {
  const m = parseMountinfo('42 27 0:39 / /tmp/a\\040b ro,nosuid,nodev,relatime shared:1 - fuse.imafs 127.0.0.1:/x ro,user_id=0,group_id=0\n');
  assert.deepEqual(m, [{ id: 42, mountpoint: '/tmp/a b', fstype: 'fuse.imafs', source: '127.0.0.1:/x', options: 'ro,user_id=0,group_id=0' }]);
});

test('mount -s (sloppy) keeps the options imafs knows and drops the rest', () => {
  assert.deepEqual(knownOptions(['ro,frob,policy=audit,keys=/a\\,b,x-systemd.y']), ['ro', 'policy=audit', 'keys=/a,b', 'x-systemd.y']);
});
