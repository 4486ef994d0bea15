/**
 * libnfs (nfs-ls, nfs-cat from libnfs-utils, NFSv4.0 only) as an independent
 * client of imafs serve: listings match the directory, bytes match the files,
 * and a tshark capture of the run (both directions, decoded as ONC RPC) has
 * no malformed frame. Our own client's traffic is captured and checked too.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NfsClient } from '../../../client/nfs-client.js';
import { evmSign, makeKey, tmpDir, writeContent, type TmpDir } from '../../helpers/ima-keys.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { analyzeCapture, startCapture, type Capture } from '../../helpers/tshark.js';

let t: TmpDir;
let srv: ServeHandle;
let cap: Capture | undefined;
const exp = () => path.join(t.dir, 'export');

function tool(cmd: string, url: string): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(cmd, [url], { encoding: 'buffer', timeout: 30_000, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

before(async () => {
  t = tmpDir('imafs-serve-libnfs-');
  mkdirSync(path.join(exp(), 'bin'), { recursive: true });
  writeFileSync(path.join(exp(), 'README'), 'hello from imafs serve\n');
  writeContent(path.join(exp(), 'bin', 'tool'), 3 * 1024 * 1024 + 17, 5);
  writeFileSync(path.join(exp(), 'empty'), '');
  symlinkSync('bin/tool', path.join(exp(), 'link'));
  evmSign(path.join(exp(), 'bin', 'tool'), makeKey(t.dir, 'p256'), 'sha256');
  srv = await startImafsServe(exp());
  cap = await startCapture(srv.port);
});
after(async () => {
  await cap?.stop();
  cap?.remove();
  await srv?.stop();
  t?.cleanup();
});

test('nfs-ls lists the export root and a subdirectory like the local directory', () => {
  const root = tool('nfs-ls', srv.libnfsUrl(''));
  assert.equal(root.status, 0, root.stderr);
  const lines = root.stdout.toString().trim().split('\n');
  const names = lines.map((l) => l.trim().split(/\s+/).at(-1)).sort();
  assert.deepEqual(names, ['README', 'bin', 'empty', 'link']);
  const readme = lines.find((l) => l.endsWith(' README'))!;
  assert.match(readme, /^-rw-r--r--\s+1\s+0\s+0\s+23 README$/);
  assert.match(lines.find((l) => l.endsWith(' bin'))!, /^d/);
  assert.match(lines.find((l) => l.endsWith(' link'))!, /^l/);
  const sub = tool('nfs-ls', srv.libnfsUrl('bin'));
  assert.equal(sub.status, 0, sub.stderr);
  assert.match(sub.stdout.toString(), new RegExp(`\\s${3 * 1024 * 1024 + 17} tool\\n?$`));
});

test('nfs-cat returns the exact bytes of small, empty and multi-megabyte files', () => {
  for (const f of ['README', 'empty', 'bin/tool']) {
    const r = tool('nfs-cat', srv.libnfsUrl(f));
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    assert.deepEqual(r.stdout, readFileSync(path.join(exp(), f)), f);
  }
  const missing = tool('nfs-cat', srv.libnfsUrl('nope'));
  assert.notEqual(missing.status, 0);
});

test('tshark: the libnfs and imafs client traffic has no malformed frame in either direction', async () => {
  const c = await NfsClient.connect(srv.url());
  try {
    await c.stat('bin/tool');
    await c.getIma('bin/tool');
    await c.readdir('');
    const parts: Buffer[] = [];
    for await (const b of c.read('README')) parts.push(Buffer.from(b));
    assert.equal(Buffer.concat(parts).toString(), 'hello from imafs serve\n');
  } finally {
    await c.close();
  }
  await cap!.stop();
  const a = analyzeCapture(cap!.file, srv.port);
  assert.deepEqual(a.problems, []);
  assert.ok(a.nfsFrames > 20, `tshark dissected ${a.nfsFrames} NFS frames`);
  const text = a.nfsSummary.join('\n');
  for (const op of ['SETCLIENTID', 'READDIR', 'READ', 'EXCHANGE_ID', 'CREATE_SESSION']) assert.match(text, new RegExp(op), `${op} seen on the wire`);
  assert.match(text, /Reply/);
});
