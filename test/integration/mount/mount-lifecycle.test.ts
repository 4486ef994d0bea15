/**
 * Lifecycle: 16 parallel readers, `imafs umount` with reads in flight,
 * SIGTERM, a killed daemon, and mounting from fstab through mount(8) and
 * mount.fuse with the mount.imafs helper, and as type fuse.imafs.
 */
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, symlinkSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startImafsServe, IMAFS_BIN, type ServeHandle } from '../../helpers/imafs-serve.js';
import { findMount } from '../../../appraiser/fuse/mount-table.js';
import { pidAlive } from '../../../appraiser/fuse/state-files.js';
import { makeSignedExport, type SignedExport } from './export-fixture.js';
import { makeHandle, mountImafs, run, spawnOwned, waitFor } from './mount-fixture.js';

let ex: SignedExport;
let srv: ServeHandle;
const HELPER = join(dirname(IMAFS_BIN), 'mount-imafs.js');
before(async () => {
  // tsc does not keep the executable bit that npm gives package bins on install.
  chmodSync(HELPER, 0o755);
  ex = makeSignedExport();
  srv = await startImafsServe(ex.dir);
});
after(async () => {
  await srv?.stop();
  ex?.tmp.cleanup();
});

test('16 parallel readers of a signed file all get the exact bytes', async (t) => {
  const { handle: m } = await mountImafs(srv.url(''), ['--keys', ex.key.cert]);
  t.after(() => m.cleanup());
  const want = readFileSync(join(ex.dir, 'big.bin'));
  const got = await Promise.all(Array.from({ length: 16 }, () => readFile(join(m.mnt, 'big.bin'))));
  for (const g of got) assert.ok(g.equals(want));
});

test('imafs umount while reads are in flight leaves no mount and no process', async (t) => {
  const { handle: m } = await mountImafs(srv.url(''), ['--policy', 'audit']);
  t.after(() => m.cleanup());
  const pid = m.pid()!;
  const readers = Array.from({ length: 4 }, () => spawnOwned('sh', ['-c', `while :; do cat ${join(m.mnt, 'big.bin')} > /dev/null || exit 0; done`]));
  t.after(() => { for (const r of readers) if (r.pid && r.exitCode === null) r.kill('SIGKILL'); });
  await new Promise((r) => setTimeout(r, 500));
  const u = await m.umount();
  assert.equal(u.code, 0, u.stderr);
  assert.equal(await findMount(m.mnt), undefined);
  await waitFor(() => !pidAlive(pid), 'the daemon to exit');
  await Promise.all(readers.map((r) => new Promise((res) => (r.exitCode !== null ? res(null) : r.once('exit', res)))));
});

test('SIGTERM unmounts and stops; a SIGKILLed daemon leaves a dead mount that imafs umount clears', async (t) => {
  const { handle: m } = await mountImafs(srv.url(''), ['--policy', 'audit']);
  t.after(() => m.cleanup());
  const pid = m.pid()!;
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !pidAlive(pid), 'the daemon to exit on SIGTERM');
  assert.equal(await findMount(m.mnt), undefined);

  const { handle: k } = await mountImafs(srv.url(''), ['--policy', 'audit']);
  t.after(() => k.cleanup());
  const kpid = k.pid()!;
  process.kill(kpid, 'SIGKILL');
  await waitFor(() => !pidAlive(kpid), 'the daemon to die');
  assert.equal((await findMount(k.mnt))?.fstype, 'fuse.imafs');
  // Between the daemon's death and the kernel's release of its /dev/fuse, a read may be aborted
  // (ECONNABORTED); once the connection is gone every access gives ENOTCONN.
  const dead = async (): Promise<string | undefined> => readFile(join(k.mnt, 'plain.txt')).then(() => 'read succeeded', (e: NodeJS.ErrnoException) => e.code);
  await waitFor(async () => (await dead()) !== 'ECONNABORTED', 'the kernel to drop the dead daemon\'s connection');
  assert.equal(await dead(), 'ENOTCONN');
  const r = await k.umount();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await findMount(k.mnt), undefined);
  // And a new mount on the same mountpoint works again.
  const again = await run(process.execPath, [IMAFS_BIN, 'mount', srv.url(''), k.mnt, '--policy', 'audit', '--cache-dir', k.cacheDir], { env: { ...process.env, ...k.env } });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await readFile(join(k.mnt, 'plain.txt'), 'utf8'), 'not signed\n');
});

test('a bad option or key file fails before mounting, with exit 2 and the reason', async (t) => {
  const { handle: m, result } = await mountImafs(srv.url(''), ['-o', 'policy=strict,frobnicate'], { expectFail: true });
  t.after(() => m.cleanup());
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown mount option 'frobnicate'/);
  assert.equal(await findMount(m.mnt), undefined);
  const { handle: m2, result: r2 } = await mountImafs(srv.url(''), ['--keys', '/nonexistent/cert.pem'], { expectFail: true });
  t.after(() => m2.cleanup());
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /\/nonexistent\/cert\.pem/);
  assert.equal(await findMount(m2.mnt), undefined);
});

test('fstab: mount -t through the mount.imafs helper, then plain umount(8) stops the daemon', async (t) => {
  // A private helper name, so an installed /sbin/mount.imafs is never touched.
  const type = `imafst${randomBytes(3).toString('hex')}`;
  const helper = `/sbin/mount.${type}`;
  symlinkSync(HELPER, helper);
  t.after(() => rmSync(helper, { force: true }));
  const base = join(tmpdir(), `imafs-fstab-${randomBytes(4).toString('hex')}`);
  const mnt = join(base, 'mnt');
  mkdirSync(mnt, { recursive: true });
  const h = makeHandle(base, mnt, join(base, 'state'), join(base, 'cache'), { IMAFS_STATE_DIR: join(base, 'state') });
  t.after(() => h.cleanup());
  const r = await run('mount', ['-t', type, srv.url(''), mnt, '-o', `nosuid,nodev,policy=strict,keys=${ex.key.cert},cache_dir=${h.cacheDir}`], { env: { ...process.env, ...h.env } });
  assert.equal(r.code, 0, `${r.stderr}\n${h.log()}`);
  assert.equal((await findMount(mnt))?.fstype, 'fuse.imafs');
  assert.match((await findMount(mnt))!.options, /ro/);
  await assert.rejects(readFile(join(mnt, 'plain.txt')), (e: NodeJS.ErrnoException) => e.code === 'EACCES');
  const pid = h.pid()!;
  assert.ok(pidAlive(pid));
  const u = await run('umount', [mnt]);
  assert.equal(u.code, 0, u.stderr);
  await waitFor(() => !pidAlive(pid), 'the daemon to notice umount(8) and exit');
  assert.equal(existsSync(h.pidFile), false);
});

test('imafs umount is prompt when the NFS server is gone (the mount root is never stat\'ed)', async (t) => {
  const gone = await startImafsServe(ex.dir);
  t.after(() => gone.stop());
  const { handle: m } = await mountImafs(gone.url(''), ['--policy', 'audit']);
  t.after(() => m.cleanup());
  assert.equal(await readFile(join(m.mnt, 'plain.txt'), 'utf8'), 'not signed\n');
  const pid = m.pid()!;
  await gone.stop();
  // Without the server every NFS call would wait out its timeout; umount must not make one.
  const u = await run(process.execPath, [IMAFS_BIN, 'umount', m.mnt], { env: { ...process.env, ...m.env }, timeoutMs: 20_000 });
  assert.equal(u.code, 0, u.stderr);
  assert.equal(await findMount(m.mnt), undefined);
  await waitFor(() => !pidAlive(pid), 'the daemon to exit');
});

test('a mountpoint named through a symlink: umount(8) of the real path stops the daemon; imafs umount takes either name', async (t) => {
  const base = join(tmpdir(), `imafs-link-${randomBytes(4).toString('hex')}`);
  const real = join(base, 'real');
  const link = join(base, 'link');
  mkdirSync(real, { recursive: true });
  symlinkSync(real, link);
  const env = { IMAFS_STATE_DIR: join(base, 'state') };
  // The kernel lists the mount under the real path, so the pid file is named after it.
  const h = makeHandle(base, real, env.IMAFS_STATE_DIR, join(base, 'cache'), env);
  t.after(() => h.cleanup());
  const mountVia = async (): Promise<number> => {
    const r = await run(process.execPath, [IMAFS_BIN, 'mount', srv.url(''), link, '--policy', 'audit', '--cache-dir', h.cacheDir], { env: { ...process.env, ...env } });
    assert.equal(r.code, 0, `${r.stderr}\n${h.log()}`);
    assert.equal((await findMount(real))?.fstype, 'fuse.imafs');
    assert.equal(await readFile(join(link, 'plain.txt'), 'utf8'), 'not signed\n');
    return h.pid()!;
  };
  const pid = await mountVia();
  assert.ok(pidAlive(pid));
  const u = await run('umount', [real]);
  assert.equal(u.code, 0, u.stderr);
  await waitFor(() => !pidAlive(pid), 'the daemon to notice umount(8) of the real path and exit');

  const pid2 = await mountVia();
  const r = await run(process.execPath, [IMAFS_BIN, 'umount', link], { env: { ...process.env, ...env } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await findMount(real), undefined);
  await waitFor(() => !pidAlive(pid2), 'the daemon to exit on imafs umount of the symlinked name');
});

/**
 * A fresh mountpoint with its handle (cleaned up after `t`), and mount.fuse (fuse3's
 * or fuse2's) run with a private bin/`name` -> `target` first on its PATH.
 */
function viaMountFuse(t: TestContext, prefix: string, name: string, target: string) {
  const base = join(tmpdir(), `${prefix}-${randomBytes(4).toString('hex')}`);
  const mnt = join(base, 'mnt');
  const bin = join(base, 'bin');
  mkdirSync(mnt, { recursive: true });
  mkdirSync(bin);
  symlinkSync(target, join(bin, name));
  const h = makeHandle(base, mnt, join(base, 'state'), join(base, 'cache'), { IMAFS_STATE_DIR: join(base, 'state') });
  t.after(() => h.cleanup());
  const mountFuse = ['/sbin/mount.fuse3', '/sbin/mount.fuse'].find((p) => existsSync(p));
  assert.ok(mountFuse, 'mount.fuse or mount.fuse3 is installed');
  const mount = (args: string[]) => run(mountFuse, args, { env: { ...process.env, ...h.env, PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH}` } });
  return { mnt, h, mount };
}

test('fstab via mount.fuse: "mount.imafs#SOURCE" with type fuse', async (t) => {
  const { mnt, h, mount } = viaMountFuse(t, 'imafs-mfuse', 'mount.imafs', HELPER);
  const r = await mount([`mount.imafs#${srv.url('')}`, mnt, '-o', `policy=audit,cache_dir=${h.cacheDir}`]);
  assert.equal(r.code, 0, `${r.stderr}\n${h.log()}`);
  assert.equal(await readFile(join(mnt, 'plain.txt'), 'utf8'), 'not signed\n');
  assert.equal((await run('umount', [mnt])).code, 0);
  await waitFor(async () => !(await findMount(mnt)) && !pidAlive(h.pid()!), 'the mount and daemon to go');
});

test('fstab type fuse.imafs: mount.fuse runs "imafs SOURCE MOUNTPOINT -o OPTS"', async (t) => {
  chmodSync(IMAFS_BIN, 0o755);
  // mount.fuse finds the program named by the subtype on PATH: a private `imafs` for this test.
  const { mnt, h, mount } = viaMountFuse(t, 'imafs-fuseimafs', 'imafs', IMAFS_BIN);
  const r = await mount([srv.url(''), mnt, '-t', 'fuse.imafs', '-o', `nosuid,nodev,policy=strict,keys=${ex.key.cert},cache_dir=${h.cacheDir}`]);
  assert.equal(r.code, 0, `${r.stderr}\n${h.log()}`);
  assert.equal((await findMount(mnt))?.fstype, 'fuse.imafs');
  assert.equal(await readFile(join(mnt, 'bin/hello.sh'), 'utf8'), readFileSync(join(ex.dir, 'bin/hello.sh'), 'utf8'));
  await assert.rejects(readFile(join(mnt, 'plain.txt')), (e: NodeJS.ErrnoException) => e.code === 'EACCES');
  const pid = h.pid()!;
  assert.equal((await run('umount', [mnt])).code, 0);
  await waitFor(async () => !(await findMount(mnt)) && !pidAlive(pid), 'the mount and daemon to go');
});

test('a source-like first argument that is not the helper convention is still a usage error', async () => {
  const r = await run(process.execPath, [IMAFS_BIN, `${srv.url('')}`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /unknown command/);
});
