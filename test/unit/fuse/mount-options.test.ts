import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountOptions, parseSize } from '../../../appraiser/fuse/mount-options.js';
import { fuseOptionString } from '../../../appraiser/fuse/fuse-adapter.js';
import { parseMountinfo } from '../../../appraiser/fuse/mount-table.js';

test('-o options: typed settings, kernel flags passed through, fstab words ignored', () => {
  const r = parseMountOptions(['rw,defaults,_netdev,x-systemd.automount,nosuid,nodev,policy=audit,keys=/etc/k1.pem,keys=/etc/k2,ca=/etc/ca.pem',
    'cache-size=512M,cache_dir=/var/cache/imafs,require_signature,allow_other,ima_attr=0x5d,integrity_status=10097,log=/var/log/m.log,attr_timeout=0.5']);
  assert.deepEqual(r.mountFlags, ['nosuid', 'nodev']);
  assert.deepEqual(r.settings, {
    policy: 'audit', keys: ['/etc/k1.pem', '/etc/k2'], ca: ['/etc/ca.pem'], cacheSize: 512 * 2 ** 20, cacheDir: '/var/cache/imafs',
    requireSignature: true, allowOther: true, imaAttr: 93, integrityStatus: 10097, log: '/var/log/m.log', attrTimeout: 0.5,
  });
  assert.deepEqual(parseMountOptions(['keys=/a\\,b']).settings.keys, ['/a,b']);
});

test('-o options: bad input is IMAFS_CONFIG with the option named', () => {
  assert.throws(() => parseMountOptions(['policy=lenient']), { code: 'IMAFS_CONFIG', message: /lenient/ });
  assert.throws(() => parseMountOptions(['frobnicate']), { code: 'IMAFS_CONFIG', message: /unknown mount option 'frobnicate'/ });
  assert.throws(() => parseMountOptions(['keys']), { code: 'IMAFS_CONFIG', message: /needs a value/ });
  assert.throws(() => parseMountOptions(['cache_size=lots']), { code: 'IMAFS_CONFIG' });
  assert.throws(() => parseMountOptions(['ima_attr=-1']), { code: 'IMAFS_CONFIG' });
  assert.throws(() => parseMountOptions(['require_signature=maybe']), { code: 'IMAFS_CONFIG' });
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
