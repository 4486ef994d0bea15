/**
 * A real mount of a real `imafs serve` export of files signed with evmctl,
 * under Strict: verified binaries and scripts run, everything else is EACCES,
 * with log lines and ima-sig measurement lines; metadata matches the server;
 * writes are EROFS; `imafs umount` leaves no mount and no process.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { readFile, readdir, readlink, stat, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { readIma } from '../../helpers/ima-keys.js';
import { findMount } from '../../../appraiser/fuse/mount-table.js';
import { pidAlive } from '../../../appraiser/fuse/state-files.js';
import { makeSignedExport, SCRIPT, type SignedExport } from './export-fixture.js';
import { errCode as code, mountImafs, run, type MountHandle } from './mount-fixture.js';

let ex: SignedExport;
let srv: ServeHandle;
let m: MountHandle;
let logFile: string;
let jsonFile: string;

before(async () => {
  ex = makeSignedExport();
  srv = await startImafsServe(ex.dir);
  logFile = join(ex.tmp.dir, 'measurements.log');
  jsonFile = join(ex.tmp.dir, 'measurements.jsonl');
  ({ handle: m } = await mountImafs(srv.url(''), ['--policy', 'strict', '--keys', ex.key.cert, '--log', logFile, '--log-json', jsonFile]));
});
after(async () => {
  await m?.cleanup();
  await srv?.stop();
  ex?.tmp.cleanup();
});


test('the mount is a read-only fuse.imafs mount of the source', async () => {
  const e = await findMount(m.mnt);
  assert.equal(e?.fstype, 'fuse.imafs');
  assert.equal(e?.source, srv.url(''));
  assert.match(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.includes(` ${m.mnt} `))!, / ro,/);
});

test('a signed copy of a system binary runs from the mount', async () => {
  const r = await run(join(m.mnt, 'bin/echo'), ['hello', 'from', 'imafs']);
  assert.equal(r.spawnError, undefined);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'hello from imafs\n');
});

test('a signed #!/bin/sh script runs, directly and through a symlink', async () => {
  assert.equal((await run(join(m.mnt, 'bin/hello.sh'), ['a'])).stdout, 'script-ok a\n');
  assert.equal((await run(join(m.mnt, 'link-to-script'), ['b'])).stdout, 'script-ok b\n');
  assert.equal(await readlink(join(m.mnt, 'link-to-script')), 'bin/hello.sh');
  assert.equal(await readFile(join(m.mnt, 'bin/hello.sh'), 'utf8'), SCRIPT);
});

test('a file tampered after signing is EACCES for cat and for exec, with a log line', async () => {
  await assert.rejects(readFile(join(m.mnt, 'bin/tampered')), code('EACCES'));
  const cat = await run('cat', [join(m.mnt, 'bin/tampered')]);
  assert.equal(cat.code, 1);
  assert.match(cat.stderr, /Permission denied/);
  const ex1 = await run(join(m.mnt, 'bin/tampered'));
  assert.equal(ex1.spawnError, 'EACCES');
  assert.match(m.log(), new RegExp(`DENY read ${m.mnt}/bin/tampered: digest-mismatch`));
  assert.match(m.log(), new RegExp(`DENY exec ${m.mnt}/bin/tampered: digest-mismatch`));
});

test('an unsigned file is EACCES under Strict, with its verdict in the log', async () => {
  await assert.rejects(readFile(join(m.mnt, 'plain.txt')), code('EACCES'));
  assert.match(m.log(), new RegExp(`DENY read ${m.mnt}/plain.txt: no-metadata`));
});

test('a multi-MiB sha512-signed file reads back byte for byte', async () => {
  const got = await readFile(join(m.mnt, 'big.bin'));
  assert.ok(got.equals(readFileSync(join(ex.dir, 'big.bin'))));
});

test('ls -l / stat show the server\'s types, modes, sizes and times; directories list fully', async () => {
  for (const p of ['bin/echo', 'bin/hello.sh', 'plain.txt', 'big.bin', 'many', 'bin']) {
    const a = await stat(join(m.mnt, p));
    const b = statSync(join(ex.dir, p));
    assert.equal(a.mode, b.mode, p);
    if (!b.isDirectory()) assert.equal(a.size, b.size, p);
    assert.equal(Math.floor(a.mtimeMs), Math.floor(b.mtimeMs), p);
    assert.equal(a.uid, b.uid, p);
    assert.equal(a.gid, b.gid, p);
  }
  assert.ok((await stat(join(m.mnt, 'link-to-script'))).isFile());
  assert.ok(lstatSync(join(m.mnt, 'link-to-script')).isSymbolicLink());
  assert.deepEqual((await readdir(join(m.mnt, 'many'))).sort(), readdirSync(join(ex.dir, 'many')).sort());
  assert.equal((await readdir(join(m.mnt, 'many'))).length, 300);
  const ls = await run('ls', ['-l', join(m.mnt, 'bin')]);
  assert.match(ls.stdout, /-rwxr-xr-x 1 \S+ \S+ +\d+ .* echo\n/);
});

test('the mount is read-only: writes are EROFS', async () => {
  await assert.rejects(writeFile(join(m.mnt, 'new.txt'), 'x'), code('EROFS'));
  await assert.rejects(open(join(m.mnt, 'bin/echo'), 'r+'), code('EROFS'));
});

test('measurement log lines match the kernel ima-sig layout', () => {
  const lines = readFileSync(logFile, 'utf8').trim().split('\n');
  const echoPath = join(m.mnt, 'bin/echo');
  const line = lines.find((l) => l.split(' ')[4] === echoPath);
  assert.ok(line, `no line for ${echoPath} in:\n${lines.join('\n')}`);
  const [pcr, th, tmpl, dng, path, sig] = line!.split(' ');
  const content = readFileSync(join(ex.dir, 'bin/echo'));
  const digest = createHash('sha256').update(content).digest();
  const blob = readIma(join(ex.dir, 'bin/echo'))!;
  assert.equal(pcr, '10');
  assert.equal(tmpl, 'ima-sig');
  assert.equal(dng, `sha256:${digest.toString('hex')}`);
  assert.equal(path, echoPath);
  assert.equal(sig, blob.toString('hex'));
  // template hash = SHA-1 over each field as <u32 little-endian length><bytes> (ima_template_lib.c)
  const fields = [Buffer.concat([Buffer.from('sha256:\0'), digest]), Buffer.from(`${echoPath}\0`), blob];
  const h = createHash('sha1');
  for (const f of fields) { const n = Buffer.alloc(4); n.writeUInt32LE(f.length); h.update(n).update(f); }
  assert.equal(th, h.digest('hex'));
  const json = readFileSync(jsonFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; verdict: string; allowed: boolean });
  assert.deepEqual(json.filter((j) => j.path === join(m.mnt, 'bin/tampered')).map((j) => [j.verdict, j.allowed]), [['digest-mismatch', false]]);
});

test('imafs umount unmounts, stops the daemon and removes its pid file', async () => {
  const pid = m.pid();
  assert.ok(pid && pidAlive(pid));
  const r = await m.umount();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await findMount(m.mnt), undefined);
  assert.equal(pidAlive(pid!), false);
  assert.throws(() => statSync(m.pidFile), { code: 'ENOENT' });
  const again = await m.umount();
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not an imafs mount/);
});
