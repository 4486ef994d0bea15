import test from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { freePort } from '../../helpers/free-port.js';
import { NfsClient } from '../../../client/nfs-client.js';
import { NfsError, RpcError } from '../../../client/errors.js';
import { ACCESS4_READ, ACCESS4_LOOKUP } from '../../../client/nfs4/constants.js';
import { runCli } from './cli.js';

let g: Ganesha;
test.before(async () => {
  g = await startGanesha();
  const e = g.exportDir;
  mkdirSync(`${e}/private`);
  writeFileSync(`${e}/private/secret`, 'secret');
  chownSync(`${e}/private`, 0, 0);
  chmodSync(`${e}/private`, 0o700);
  writeFileSync(`${e}/root-only`, 'x');
  chmodSync(`${e}/root-only`, 0o600);
  writeFileSync(`${e}/public`, 'public');
  chmodSync(`${e}/public`, 0o644);
});
test.after(async () => { await g?.stop(); });

test('NOENT: NfsError with status name, op and path; CLI exit 1 naming both', async () => {
  const c = await NfsClient.connect(g.url());
  try {
    await assert.rejects(c.stat('no/such/file'), (e: unknown) =>
      e instanceof NfsError && e.statusName === 'NFS4ERR_NOENT' && e.op === 'LOOKUP' && e.path === '/export/no' && e.code === 'IMAFS_NFS_STATUS');
  } finally {
    await c.close();
  }
  for (const cmd of ['cat', 'stat', 'ls']) {
    const r = await runCli([cmd, g.url('/missing-file')]);
    assert.equal(r.code, 1, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, /NFS4ERR_NOENT/);
    assert.match(r.stderr, /\/export\/missing-file/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace without --debug');
    assert.equal(r.stdout.length, 0);
  }
});

test('ACCESS: a 0700 root directory read as uid 1000 fails with NFS4ERR_ACCESS, exit 1', async () => {
  const c = await NfsClient.connect(g.url(), { auth: { uid: 1000, gid: 1000, gids: [] } });
  try {
    await assert.rejects(c.readdir('private'), (e: unknown) => e instanceof NfsError && e.statusName === 'NFS4ERR_ACCESS');
    await assert.rejects(c.stat('private/secret'), (e: unknown) => e instanceof NfsError && e.statusName === 'NFS4ERR_ACCESS' && e.op === 'LOOKUP');
    const a = await c.access('public', ACCESS4_READ | ACCESS4_LOOKUP);
    assert.equal(a.access & ACCESS4_READ, ACCESS4_READ);
    const denied = await c.access('root-only', ACCESS4_READ);
    assert.equal(denied.access & ACCESS4_READ, 0);
    const chunks: Buffer[] = [];
    for await (const b of c.read('public')) chunks.push(b);
    assert.equal(Buffer.concat(chunks).toString(), 'public');
  } finally {
    await c.close();
  }
  const ls = await runCli(['ls', '--uid', '1000', '--gid', '1000', '--gids', '', g.url('/private')]);
  assert.equal(ls.code, 1, ls.stderr);
  assert.match(ls.stderr, /NFS4ERR_ACCESS/);
  assert.match(ls.stderr, /\/export\/private/);
  const cat = await runCli(['cat', '--uid', '1000', '--gid', '1000', g.url('/root-only')]);
  assert.equal(cat.code, 1, cat.stderr);
  assert.match(cat.stderr, /OPEN \/export\/root-only failed: NFS4ERR_ACCESS/);
  // Root (the default credential here) can read it.
  const ok = await runCli(['cat', g.url('/root-only')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.toString(), 'x');
});

test('unreachable server: IMAFS_RPC_CONNECT, CLI exit 3; bad URL and flags: exit 2', async () => {
  const port = await freePort();
  await assert.rejects(NfsClient.connect(`nfs://127.0.0.1:${port}/x`), (e: unknown) => e instanceof RpcError && e.code === 'IMAFS_RPC_CONNECT');
  const r = await runCli(['cat', `nfs://127.0.0.1:${port}/x`]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
  for (const args of [['cat', 'ftp://x/y'], ['ls', 'no-colon-path'], ['stat', '--minor-version', '5', g.url()], ['ls', '--gids', Array.from({ length: 17 }, (_, i) => i).join(','), g.url()], ['cat', '--auth', 'none', '--uid', '5', g.url()]]) {
    const u = await runCli(args);
    assert.equal(u.code, 2, `${args.join(' ')}: ${u.stderr}`);
    assert.ok(u.stderr.length > 0);
  }
});

test('--debug adds the stack trace', async () => {
  const r = await runCli(['--debug', 'stat', g.url('/missing-file')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /NFS4ERR_NOENT/);
  assert.match(r.stderr, /\n\s+at /);
});

test('--auth none against an export that requires AUTH_SYS: NFS4ERR_WRONGSEC, exit 1', async () => {
  const r = await runCli(['stat', '--auth', 'none', g.url('/public')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /NFS4ERR_WRONGSEC/);
  assert.match(r.stderr, /\/export/);
});
