import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { NfsClient } from '../../../client/nfs-client.js';
import { NfsError } from '../../../client/errors.js';
import { runCli } from './cli.js';

let g: Ganesha;
let c: NfsClient;
test.before(async () => {
  g = await startGanesha();
  const e = g.exportDir;
  mkdirSync(`${e}/dir/sub`, { recursive: true });
  writeFileSync(`${e}/dir/sub/file.txt`, 'target bytes\n');
  symlinkSync('dir/sub/file.txt', `${e}/rel-link`);
  symlinkSync('dir', `${e}/dir-link`);
  symlinkSync('/dir/sub/file.txt', `${e}/abs-link`);
  symlinkSync('../sub/file.txt', `${e}/dir/sub/dotdot-link`);
  symlinkSync('rel-link', `${e}/chain`);
  symlinkSync('loop-b', `${e}/loop-a`);
  symlinkSync('loop-a', `${e}/loop-b`);
  symlinkSync('missing', `${e}/dangling`);
  c = await NfsClient.connect(g.url());
});
test.after(async () => { await c?.close(); await g?.stop(); });

async function text(p: string): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of c.read(p)) parts.push(b);
  return Buffer.concat(parts).toString();
}

test('readlink returns the target text; stat does not follow a final symlink', async () => {
  assert.equal(await c.readlink('rel-link'), 'dir/sub/file.txt');
  assert.equal(await c.readlink('abs-link'), '/dir/sub/file.txt');
  const s = await c.stat('rel-link');
  assert.equal(s.type, 'symlink');
  assert.equal(s.size, 'dir/sub/file.txt'.length);
});

test('reads follow symlinks: relative, absolute (from the share root), chained, via a directory link, with ..', async () => {
  for (const p of ['rel-link', 'abs-link', 'chain', 'dir-link/sub/file.txt', 'dir/sub/dotdot-link']) {
    assert.equal(await text(p), 'target bytes\n', p);
  }
  assert.equal((await c.stat('dir-link/sub/file.txt')).type, 'file');
});

test('a symlink loop and a dangling link fail with clear NFS errors', async () => {
  await assert.rejects(text('loop-a'), (e: unknown) => e instanceof NfsError && e.statusName === 'NFS4ERR_SYMLINK');
  await assert.rejects(text('dangling'), (e: unknown) => e instanceof NfsError && e.statusName === 'NFS4ERR_NOENT' && e.op === 'LOOKUP');
});

test('CLI: ls -l shows "-> target", ls --json has target, cat follows, stat --json says symlink', async () => {
  const l = await runCli(['ls', '-l', g.url()]);
  assert.equal(l.code, 0, l.stderr);
  assert.match(l.stdout.toString(), /^l.* rel-link -> dir\/sub\/file\.txt$/m);
  const j = JSON.parse((await runCli(['ls', '--json', g.url()])).stdout.toString()) as { name: string; type: string; target?: string }[];
  assert.deepEqual(j.find((e) => e.name === 'dir-link'), { ...j.find((e) => e.name === 'dir-link'), type: 'symlink', target: 'dir' });
  const cat = await runCli(['cat', g.url('/chain')]);
  assert.equal(cat.code, 0, cat.stderr);
  assert.equal(cat.stdout.toString(), 'target bytes\n');
  const st = await runCli(['stat', '--json', g.url('/rel-link')]);
  assert.equal(st.code, 0, st.stderr);
  assert.equal(JSON.parse(st.stdout.toString()).type, 'symlink');
});
