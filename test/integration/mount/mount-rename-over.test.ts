/**
 * Regression (fixed in 2fb0f6c, appraiser/fuse/served-versions.ts): a file on
 * an `imafs serve` export replaced by another renamed over it (`cp -p new tmp
 * && mv tmp target`) with the same size and the same mtime. The new file has a
 * new fileid, so versions tracked per fileid saw "no previous open" and
 * reported the server's mtime unchanged; libfuse's auto_cache then kept the
 * old file's kernel pages and the mount served A's bytes after appraising B.
 * Each test owns its server and mount and removes them even when it fails.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evmSign, readIma, type TestKey } from '../../helpers/ima-keys.js';
import { run, type MountHandle } from './mount-fixture.js';
import { startServedMount } from './served-mount.js';

const SIZE = 200_000;
const ATTR_TIMEOUT_S = 0.2;

interface Env {
  dir: string;
  stage: string;
  key: TestKey;
  m: MountHandle;
}

/** Deterministic content; different seeds differ in (almost) every byte. */
const content = (seed: number): Buffer => {
  const b = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) b[i] = (i * 31 + seed * 97 + (i >>> 8)) & 0xff;
  return b;
};

const A = content(1);
const B = content(2);

async function setup(t: TestContext): Promise<Env> {
  const s = await startServedMount('imafs-rename-over-', 'p256', ['--policy', 'strict', '--attr-timeout', String(ATTR_TIMEOUT_S)]);
  t.after(() => s.stop());
  // Same filesystem as the export, so `mv` is a rename(2), not a copy.
  const stage = join(s.tmp.dir, 'stage');
  mkdirSync(stage);
  return { dir: s.dir, stage, key: s.key, m: s.m };
}

/** Longer than --attr-timeout: the kernel and the mount ask the server again. */
const settle = () => new Promise((r) => setTimeout(r, ATTR_TIMEOUT_S * 1000 + 300));
const isCode = (c: string) => (e: unknown) => (e as NodeJS.ErrnoException).code === c;

/** A on the server, signed with evmctl, read twice through the mount (warm in the page cache). */
async function serveWarmA(e: Env, name: string): Promise<string> {
  const target = join(e.dir, name);
  writeFileSync(target, A);
  evmSign(target, e.key, 'sha256');
  assert.ok((await readFile(join(e.m.mnt, name))).equals(A), 'first read of A');
  assert.ok((await readFile(join(e.m.mnt, name))).equals(A), 'warm re-read of A');
  return target;
}

/**
 * `cp -p staged tmp && mv tmp target`, with `touch -r target` first so the new
 * file has exactly the old one's mtime (nanoseconds); sizes are equal.
 */
async function renameOver(e: Env, staged: string, target: string): Promise<void> {
  const tmp = join(e.stage, 'tmp');
  for (const [cmd, args] of [
    ['touch', ['-r', target, staged]],
    ['cp', ['-p', '--preserve=xattr', staged, tmp]],
    ['mv', [tmp, target]],
  ] as const) {
    const r = await run(cmd, [...args]);
    assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  }
}

test('rename-over with a signed file of the same size and mtime: the mount serves exactly the new bytes', async (t) => {
  const e = await setup(t);
  const target = await serveWarmA(e, 'tool.bin');
  const inoA = statSync(target).ino;
  const mtimeA = statSync(target).mtimeMs;
  const staged = join(e.stage, 'B');
  writeFileSync(staged, B);
  evmSign(staged, e.key, 'sha256');
  await renameOver(e, staged, target);
  // The preconditions of the bug, on the server: new inode, same size and mtime, B signed.
  const st = statSync(target);
  assert.notEqual(st.ino, inoA);
  assert.equal(st.size, SIZE);
  assert.equal(st.mtimeMs, mtimeA);
  assert.ok(readIma(target), 'B carries its own security.ima');
  await settle();
  const got = await readFile(join(e.m.mnt, 'tool.bin'));
  assert.equal(got.length, SIZE);
  assert.ok(got.equals(B), got.equals(A) ? 'served the old file A from stale pages' : 'served bytes of neither A nor B');
  assert.ok((await readFile(join(e.m.mnt, 'tool.bin'))).equals(B), 'warm re-read of B');
  assert.doesNotMatch(e.m.log(), /DENY/);
});

for (const [what, prepare] of [
  ['unsigned', (_e: Env, f: string) => void f],
  // Signed, then one byte changed (size kept): the signature is B's, the content is not.
  ['tampered', (e: Env, f: string) => {
    evmSign(f, e.key, 'sha256');
    const bad = Buffer.from(B);
    bad[SIZE >> 1] ^= 0xff;
    writeFileSync(f, bad);
  }],
] as const) {
  test(`rename-over with a ${what} file of the same size and mtime: EACCES, never A's or B's bytes`, async (t) => {
    const e = await setup(t);
    const target = await serveWarmA(e, `${what}.bin`);
    // Keeps A's mtime (to the nanosecond) for the in-place fix at the end.
    const ref = join(e.stage, 'mtime-of-A');
    writeFileSync(ref, '');
    assert.equal((await run('touch', ['-r', target, ref])).code, 0);
    const staged = join(e.stage, 'B');
    writeFileSync(staged, B);
    prepare(e, staged);
    await renameOver(e, staged, target);
    assert.equal(statSync(target).size, SIZE);
    await settle();
    const mntPath = join(e.m.mnt, `${what}.bin`);
    await assert.rejects(readFile(mntPath), isCode('EACCES'));
    await assert.rejects(readFile(mntPath), isCode('EACCES'), 'refused again, not served from the page cache');
    assert.match(e.m.log(), new RegExp(`DENY read ${e.m.mnt}/${what}.bin: (no-metadata|digest-mismatch|bad-signature)`));
    // Fixed on the server in place (same inode, same size and mtime): the
    // mount must serve the new signed bytes, not A's pages left from before
    // the refusal.
    writeFileSync(target, B);
    evmSign(target, e.key, 'sha256');
    assert.equal((await run('touch', ['-r', ref, target])).code, 0);
    assert.equal(statSync(target).mtimeMs, statSync(ref).mtimeMs);
    await settle();
    const got = await readFile(mntPath);
    assert.ok(got.equals(B), got.equals(A) ? 'served the old file A from stale pages' : 'served bytes of neither A nor B');
  });
}
