/**
 * dist/bin/imafs.js run the way the kernel runs it from its `#!` line (what
 * an installed `imafs` does): the line must work with this system's env, and
 * it drops NODE_EXTRA_CA_CERTS (imafs speaks no TLS; Node would parse the
 * bundle at every start). Run through `node` the caller's env is kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';

test('the #! line runs imafs without NODE_EXTRA_CA_CERTS; `node imafs.js` keeps it', () => {
  const line = readFileSync(IMAFS_BIN, 'latin1').split('\n', 1)[0];
  assert.equal(line, '#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node');
  const [interp, ...rest] = line.slice(2).split(' ');
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/imafs-test-ca.pem' };
  const code = "process.stdout.write(String(process.env.NODE_EXTRA_CA_CERTS))";
  // The kernel passes everything after the interpreter as one argument.
  const viaShebang = spawnSync(interp, [rest.join(' '), '-e', code], { env, encoding: 'utf8' });
  assert.equal(viaShebang.status, 0, viaShebang.stderr);
  assert.equal(viaShebang.stdout, 'undefined');
  const version = spawnSync(interp, [rest.join(' '), IMAFS_BIN, '--version'], { env, encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  assert.equal(version.stderr, '', 'no warning about the missing CA bundle: it was never read');
  const viaNode = spawnSync(process.execPath, [IMAFS_BIN, '--version'], { env, encoding: 'utf8' });
  assert.equal(viaNode.status, 0);
  assert.match(viaNode.stderr, /Ignoring extra certs from `\/nonexistent\/imafs-test-ca.pem`/, 'node itself reads the variable');
});
