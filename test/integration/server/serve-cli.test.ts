/**
 * The `imafs serve` command: ready line, per-connection log lines, clean
 * exit on SIGTERM / SIGINT, exit code 2 for bad flags or export, and file
 * handles that survive a restart with --handle-key.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getfhOp, lookupOp, putfhOp, putrootfhOp, getattrOp } from '../../../client/nfs4/index.js';
import { tmpDir, type TmpDir } from '../../helpers/ima-keys.js';
import { IMAFS_BIN, startImafsServe } from '../../helpers/imafs-serve.js';
import { RawNfs } from './raw-nfs.js';

let t: TmpDir;
const exp = () => path.join(t.dir, 'export');

before(() => {
  t = tmpDir('imafs-serve-cli-');
  mkdirSync(path.join(exp(), 'd'), { recursive: true });
  writeFileSync(path.join(exp(), 'd', 'f'), 'x');
});
after(() => t?.cleanup());

test('ready line, one log line per connection, exit 0 on SIGTERM and on SIGINT', async () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const s = await startImafsServe(exp());
    assert.match(s.output(), new RegExp(`^imafs serve: listening on 127\\.0\\.0\\.1:${s.port} exporting ${exp().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    for (let i = 0; i < 2; i++) {
      const sock = net.connect({ host: '127.0.0.1', port: s.port });
      await new Promise((r) => sock.once('connect', r));
      sock.destroy();
    }
    await s.waitForOutput(/(client 127\.0\.0\.1:\d+ connected[\s\S]*){2}/);
    process.kill(s.pid, sig);
    assert.equal(await s.waitExit(), 0);
    assert.match(s.output(), new RegExp(`stopped \\(${sig}\\)`));
  }
});

test('bad flags and a missing export directory exit 2 with a clear message; a taken port exits 1', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[exp(), '--ima-updates', 'everyone'], /unknown rule "everyone"/],
    [[exp(), '--listen', 'example.com:2049'], /not an IP address/],
    [[exp(), '--listen', '::1:2049'], /brackets/],
    [[path.join(t.dir, 'missing'), '--listen', '127.0.0.1:0'], /cannot export .*missing.*no such file/],
    [[path.join(exp(), 'd', 'f'), '--listen', '127.0.0.1:0'], /not a directory/],
    [[exp(), '--ima-attr', '9'], /already a standard NFSv4 attribute/],
    [[exp(), '--integrity-status', '10001'], /already NFS4ERR_BADHANDLE/],
    [[exp(), '--appraise', 'strict', '--keys', path.join(t.dir, 'nokey.pem')], /nokey\.pem/],
  ];
  for (const [args, re] of cases) {
    const r = spawnSync(process.execPath, [IMAFS_BIN, 'serve', ...args], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  const s = await startImafsServe(exp());
  try {
    const r = spawnSync(process.execPath, [IMAFS_BIN, 'serve', exp(), '--listen', `127.0.0.1:${s.port}`], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  } finally {
    await s.stop();
  }
});

test('--handle-key: a handle issued before a restart still works after it (found again in the export)', async () => {
  const key = path.join(t.dir, 'handles.key');
  const s1 = await startImafsServe(exp(), { args: ['--handle-key', key] });
  let fh: Buffer;
  const c1 = await RawNfs.connect(s1.port);
  try {
    const r = await c1.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'd' }], [lookupOp, { objname: 'f' }], [getfhOp, {}]]);
    fh = Buffer.from((r.results[3].res as unknown as { resok: { object: Buffer } }).resok.object);
  } finally {
    c1.close();
    await s1.stop();
  }
  const s2 = await startImafsServe(exp(), { args: ['--handle-key', key] });
  const s3 = await startImafsServe(exp());
  const c2 = await RawNfs.connect(s2.port);
  const c3 = await RawNfs.connect(s3.port);
  try {
    assert.equal((await c2.compound(0, [[putfhOp, { object: fh }], [getattrOp, { attrRequest: [1] }]])).status, 0);
    assert.equal((await c3.compound(0, [[putfhOp, { object: fh }], [getattrOp, { attrRequest: [1] }]])).status, 10001, 'without the key: BADHANDLE');
  } finally {
    c2.close();
    c3.close();
    await s2.stop();
    await s3.stop();
  }
});

test('IPv6 loopback with --listen [::1]:0, and --max-connections refuses the extra connection with a log line', async () => {
  const s = await startImafsServe(exp(), { host: '::1', args: ['--max-connections', '1'] });
  try {
    assert.match(s.output(), /listening on \[::1\]:\d+ exporting/);
    const first = net.connect({ host: '::1', port: s.port });
    await new Promise((r) => first.once('connect', r));
    await s.waitForOutput(/client ::1:\d+ connected/);
    const second = net.connect({ host: '::1', port: s.port });
    const closed = await new Promise<boolean>((resolve) => {
      second.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 5000);
    });
    assert.equal(closed, true, 'the second connection is closed by the server');
    await s.waitForOutput(/refused connection from ::1:\d+: 1 connections already open/);
    first.destroy();
  } finally {
    await s.stop();
  }
});
