/**
 * NfsClient.walkEntries (the audit's READDIR): against imafs serve and
 * nfs-ganesha, every entry of a 1,000-file directory once, in several rounds,
 * with the same type, size, mode and file handle as readdir(); with `ima` the
 * FATTR4_IMA value of each file exactly the xattr (empty when none), and
 * nothing of it from a legacy server.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { readImaXattrSync } from '../../../appraiser/io/ima-xattr.js';
import { loadSigningKey, signFile } from '../../../appraiser/io/sign-file.js';
import { NfsClient, type WalkEntry } from '../../../client/nfs-client.js';
import { startGanesha } from '../../helpers/ganesha.js';
import { makeKey } from '../../helpers/ima-keys.js';
import { startImafsServe } from '../../helpers/imafs-serve.js';

const COUNT = 1000;

async function fillTree(dir: string, sign: boolean): Promise<void> {
  mkdirSync(path.join(dir, 'big', 'sub'), { recursive: true });
  const signer = sign ? await loadSigningKey(makeKey(dir, 'rsa2048', { name: 'walk' }).key) : null;
  for (let i = 0; i < COUNT; i++) {
    const f = path.join(dir, 'big', `f${String(i).padStart(4, '0')}`);
    writeFileSync(f, Buffer.alloc(i % 50, i), { mode: i % 3 === 0 ? 0o755 : 0o640 });
    // Every third file unsigned: its value must come back empty, not missing.
    if (signer && i % 3 !== 1) await signFile(f, signer, { algo: 'sha256' });
  }
  symlinkSync('f0001', path.join(dir, 'big', 'link'));
}

function check(walked: WalkEntry[], listed: Awaited<ReturnType<NfsClient['readdir']>>): void {
  assert.equal(walked.length, COUNT + 2);
  assert.deepEqual(walked.map((e) => e.name).sort(), listed.map((e) => e.name).sort());
  const byName = new Map(listed.map((e) => [e.name, e]));
  for (const w of walked) {
    const l = byName.get(w.name)!;
    assert.deepEqual([w.type, w.size, w.mode, w.error], [l.type, l.size, l.stat!.mode, undefined], w.name);
    assert.ok(w.fh && l.fh && w.fh.equals(l.fh), w.name);
  }
}

test('walkEntries against imafs serve: stat fields as readdir, IMA values exact, several rounds', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'imafs-walk-'));
  const srv = await startImafsServe(dir).catch((e: unknown) => { rmSync(dir, { recursive: true, force: true }); throw e; });
  let c: NfsClient | undefined;
  try {
    await fillTree(dir, true);
    c = await NfsClient.connect(srv.url(''));
    assert.equal(c.imaSupported, true);
    const listed = await c.readdir('big');
    const before = c.stats.readdirRounds;
    const walked = await c.walkEntries('big', { ima: true });
    assert.ok(c.stats.readdirRounds - before >= 3, `expected several READDIR rounds, got ${c.stats.readdirRounds - before}`);
    check(walked, listed);
    for (const w of walked) {
      if (w.type !== 'file') continue;
      const want = readImaXattrSync(path.join(dir, 'big', w.name)) ?? Buffer.alloc(0);
      assert.ok(w.ima && w.ima.equals(want), w.name);
    }
    assert.equal(walked.filter((w) => w.type === 'file' && w.ima!.length === 0).length, 333);
    // Without `ima` no value travels.
    assert.ok((await c.walkEntries('big')).every((w) => w.ima === undefined));
  } finally {
    await c?.close();
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('walkEntries against nfs-ganesha (no FATTR4_IMA): stat fields as readdir, no IMA values', async () => {
  const g = await startGanesha();
  let c: NfsClient | undefined;
  try {
    await fillTree(g.exportDir, false);
    c = await NfsClient.connect(g.url(''));
    assert.equal(c.imaSupported, false);
    const walked = await c.walkEntries('big', { ima: true });
    check(walked, await c.readdir('big'));
    assert.ok(walked.every((w) => w.ima === undefined));
    await assert.rejects(c.walkEntries('big/f0000'), (e: { statusName?: string }) => e.statusName === 'NFS4ERR_NOTDIR');
  } finally {
    await c?.close();
    await g.stop();
  }
});
