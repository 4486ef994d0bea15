/**
 * Audit and Disabled on a real `imafs serve` export, and Strict/Audit on a
 * legacy server (nfs-ganesha, no FATTR4_IMA): what is served, what is refused,
 * and what the log says.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, copyFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { makeSignedExport, type SignedExport } from './export-fixture.js';
import { errCode as code, mountImafs, run } from './mount-fixture.js';

let ex: SignedExport;
let srv: ServeHandle;
before(async () => {
  ex = makeSignedExport();
  srv = await startImafsServe(ex.dir);
});
after(async () => {
  await srv?.stop();
  ex?.tmp.cleanup();
});


test('audit: unsigned and tampered files are served, each with a WARN line; signed ones without', async (t) => {
  const { handle: m } = await mountImafs(srv.url(''), ['--policy', 'audit', '--keys', ex.key.cert]);
  t.after(() => m.cleanup());
  assert.equal(await readFile(join(m.mnt, 'plain.txt'), 'utf8'), 'not signed\n');
  assert.ok((await readFile(join(m.mnt, 'bin/tampered'))).equals(readFileSync(join(ex.dir, 'bin/tampered'))));
  assert.equal((await run(join(m.mnt, 'bin/echo'), ['ok'])).stdout, 'ok\n');
  const log = m.log();
  assert.match(log, new RegExp(`WARN read ${m.mnt}/plain.txt: no-metadata: .*\\(served: audit\\)`));
  assert.match(log, new RegExp(`WARN read ${m.mnt}/bin/tampered: digest-mismatch`));
  assert.doesNotMatch(log, /WARN exec .*bin\/echo/);
  assert.doesNotMatch(log, /DENY/);
});

test('disabled: everything is served and nothing is appraised or logged', async (t) => {
  const { handle: m } = await mountImafs(srv.url(''), ['--policy', 'disabled']);
  t.after(() => m.cleanup());
  assert.equal(await readFile(join(m.mnt, 'plain.txt'), 'utf8'), 'not signed\n');
  const r = await run(join(m.mnt, 'bin/tampered'));
  assert.equal(r.code, 0);
  assert.doesNotMatch(m.log(), /DENY|WARN/);
});

test('policy rules by access kind: with a policy appraising only exec, unsigned files read but do not run', async (t) => {
  const policyFile = join(ex.tmp.dir, 'exec-only.policy');
  writeFileSync(policyFile, 'appraise access=exec\n');
  const { handle: m } = await mountImafs(srv.url(''), ['--policy', 'strict', '--keys', ex.key.cert, '--policy-file', policyFile]);
  t.after(() => m.cleanup());
  assert.equal(await readFile(join(m.mnt, 'plain.txt'), 'utf8'), 'not signed\n');
  assert.ok((await readFile(join(m.mnt, 'bin/tampered'))).length > 0);
  assert.equal((await run(join(m.mnt, 'bin/tampered'))).spawnError, 'EACCES');
});

test('legacy server (nfs-ganesha): Strict refuses every file, Audit reads them with a warning', async (t) => {
  const g: Ganesha = await startGanesha();
  t.after(() => g.stop());
  mkdirSync(join(g.exportDir, 'bin'));
  copyFileSync('/bin/echo', join(g.exportDir, 'bin/echo'));
  chmodSync(join(g.exportDir, 'bin/echo'), 0o755);
  writeFileSync(join(g.exportDir, 'data.txt'), 'legacy\n');
  const { handle: s } = await mountImafs(g.url(''), ['--policy', 'strict', '--keys', ex.key.cert]);
  t.after(() => s.cleanup());
  await assert.rejects(readFile(join(s.mnt, 'data.txt')), code('EACCES'));
  await assert.rejects(readFile(join(s.mnt, 'bin/echo')), code('EACCES'));
  assert.equal((await run(join(s.mnt, 'bin/echo'), ['x'])).spawnError, 'EACCES');
  assert.match(s.log(), /does not support FATTR4_IMA.*every regular file will be refused/);
  assert.match(s.log(), new RegExp(`DENY read ${s.mnt}/data.txt: no-metadata: server does not support FATTR4_IMA`));
  // Metadata still works on a legacy server.
  assert.deepEqual((await run('ls', [s.mnt])).stdout.split('\n').filter(Boolean).sort(), ['bin', 'data.txt']);

  const { handle: a } = await mountImafs(g.url(''), ['--policy', 'audit']);
  t.after(() => a.cleanup());
  assert.equal(await readFile(join(a.mnt, 'data.txt'), 'utf8'), 'legacy\n');
  assert.equal((await run(join(a.mnt, 'bin/echo'), ['from', 'ganesha'])).stdout, 'from ganesha\n');
  assert.match(a.log(), new RegExp(`WARN read ${a.mnt}/data.txt: no-metadata: server does not support FATTR4_IMA`));
});

test('NFS4ERR_INTEGRITY from a participating server is EACCES with its own log code, distinct from NFS4ERR_ACCESS', async (t) => {
  const gate = await startImafsServe(ex.dir, { args: ['--appraise', 'strict', '--keys', ex.key.cert] });
  t.after(() => gate.stop());
  // The client itself would serve anything (audit): the refusal comes from the server.
  const { handle: m } = await mountImafs(gate.url(''), ['--policy', 'audit', '--keys', ex.key.cert]);
  t.after(() => m.cleanup());
  await assert.rejects(readFile(join(m.mnt, 'bin/tampered')), code('EACCES'));
  assert.match(m.log(), new RegExp(`DENY read ${m.mnt}/bin/tampered: nfs-integrity: server refused the content \\(NFS4ERR_INTEGRITY\\)`));
  assert.equal((await run(join(m.mnt, 'bin/echo'), ['still', 'fine'])).stdout, 'still fine\n');

  // NFS4ERR_ACCESS: a file only root may read, read as uid 4242 over AUTH_SYS.
  writeFileSync(join(ex.dir, 'secret.txt'), 'root only\n', { mode: 0o600 });
  const { handle: u } = await mountImafs(srv.url(''), ['--policy', 'audit', '--uid', '4242', '--gid', '4242']);
  t.after(() => u.cleanup());
  await assert.rejects(readFile(join(u.mnt, 'secret.txt')), code('EACCES'));
  assert.match(u.log(), new RegExp(`DENY read ${u.mnt}/secret.txt: nfs-access: server denied access \\(NFS4ERR_ACCESS\\)`));
});
