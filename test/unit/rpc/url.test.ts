import test from 'node:test';
import assert from 'node:assert/strict';
import { formatLocation, joinPath, parseNfsUrl, pathComponents } from '../../../client/url.js';
import { UsageError } from '../../../client/errors.js';

test('nfs:// URLs: host, port (default 2049), path, IPv6 literal, percent-decoding, libnfs parameters', () => {
  assert.deepEqual(parseNfsUrl('nfs://127.0.0.1/export/dir'), { host: '127.0.0.1', port: 2049, path: '/export/dir' });
  assert.deepEqual(parseNfsUrl('nfs://127.0.0.1:20490/export/'), { host: '127.0.0.1', port: 20490, path: '/export' });
  assert.deepEqual(parseNfsUrl('nfs://[::1]:2050/a//b/./c'), { host: '::1', port: 2050, path: '/a/b/c' });
  assert.deepEqual(parseNfsUrl('nfs://[::1]/x'), { host: '::1', port: 2049, path: '/x' });
  assert.deepEqual(parseNfsUrl('nfs://Server.Example'), { host: 'server.example', port: 2049, path: '/' });
  assert.deepEqual(parseNfsUrl('nfs://h/a%20b/%C3%A9'), { host: 'h', port: 2049, path: '/a b/é' });
  assert.deepEqual(parseNfsUrl('nfs://127.0.0.1/export/f?version=4&nfsport=3049'), { host: '127.0.0.1', port: 3049, path: '/export/f' });
  assert.deepEqual(parseNfsUrl('nfs://h/x?version=4.1'), { host: 'h', port: 2049, path: '/x', minorVersion: 1 });
});

test('mount.nfs style host:/path and [v6]:/path', () => {
  assert.deepEqual(parseNfsUrl('127.0.0.1:/export/x'), { host: '127.0.0.1', port: 2049, path: '/export/x' });
  assert.deepEqual(parseNfsUrl('[::1]:/export'), { host: '::1', port: 2049, path: '/export' });
  assert.deepEqual(parseNfsUrl('server:/'), { host: 'server', port: 2049, path: '/' });
});

test('bad locations are UsageErrors', () => {
  for (const s of ['', 'nfs://', 'nfs://h:0/x', 'nfs://h:65536/x', 'nfs://h:12ab/x', 'http://h/x', 'host/path', 'host:path', 'nfs://h/x?foo=1', 'nfs://h/x?version=3', 'nfs://h/%zz']) {
    assert.throws(() => parseNfsUrl(s), UsageError, s);
  }
});

test('joinPath and pathComponents', () => {
  assert.equal(joinPath('/export', ''), '/export');
  assert.equal(joinPath('/export', '/a/b'), '/export/a/b');
  assert.equal(joinPath('/', 'a/./b/'), '/a/b');
  assert.deepEqual(pathComponents('/a/../b/./c'), ['a', '..', 'b', 'c']);
  assert.equal(formatLocation({ host: '::1', port: 2049, path: '/x' }), 'nfs://[::1]/x');
  assert.equal(formatLocation({ host: 'h', port: 3, path: '/x' }), 'nfs://h:3/x');
});
