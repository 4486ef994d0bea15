import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LISTEN, parseListen } from '../../../server/listen-address.js';

test('--listen: loopback by default; IPv4, bracketed IPv6, explicit wildcards', () => {
  assert.equal(DEFAULT_LISTEN, '127.0.0.1:2049');
  assert.deepEqual(parseListen(), { host: '127.0.0.1', port: 2049 });
  assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListen('[::1]:2050'), { host: '::1', port: 2050 });
  assert.deepEqual(parseListen('localhost:12'), { host: '127.0.0.1', port: 12 });
  assert.deepEqual(parseListen('0.0.0.0:2049'), { host: '0.0.0.0', port: 2049 });
  assert.deepEqual(parseListen('[::]:2049'), { host: '::', port: 2049 });
});

test('--listen: malformed values are IMAFS_SERVER_CONFIG errors', () => {
  for (const bad of ['2049', '127.0.0.1', '127.0.0.1:', '127.0.0.1:65536', '127.0.0.1:-1', 'example.com:2049', '::1:2049', '[::1]', '1.2.3:80']) {
    assert.throws(() => parseListen(bad), (e: { code?: string }) => e.code === 'IMAFS_SERVER_CONFIG', bad);
  }
});
