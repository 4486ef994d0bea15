/**
 * Files of 4 MiB and more are hashed on the mount's hashing thread, from the
 * same shared-memory slots the cache file is written from. The verdicts and bytes must be
 * exactly those of the small-file path: a signed file is served byte for byte
 * under each hash algorithm, one changed byte in the middle is refused, and a
 * new version is appraised again.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evmSign, type EvmHashAlgo, type TestKey } from '../../helpers/ima-keys.js';
import { errCode as code, writeAt, type MountHandle } from './mount-fixture.js';
import { startServedMount, type ServedMount } from './served-mount.js';

const MiB = 1024 * 1024;
let s: ServedMount | undefined;
let dir: string;
let key: TestKey;
let m: MountHandle;

const content = (seed: number, size: number): Buffer => {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 13 + seed * 101 + (i >> 12)) & 0xff;
  return b;
};
const settle = () => new Promise((r) => setTimeout(r, 400)); // > attr-timeout

const pokeByte = (f: string, pos: number, value: number): void => writeAt(f, Buffer.from([value]), pos);

before(async () => {
  s = await startServedMount('imafs-mount-big-', 'rsa2048', ['--policy', 'strict', '--attr-timeout', '0.2']);
  ({ dir, key, m } = s);
});
after(() => s?.stop());

test('big signed files are served byte for byte under sha256, sha384 and sha512 signatures', async () => {
  const cases: Array<[EvmHashAlgo, number, number]> = [['sha256', 4 * MiB, 1], ['sha384', 5 * MiB + 4097, 2], ['sha512', 9 * MiB + 1, 3]];
  for (const [algo, size, seed] of cases) {
    const f = join(dir, `${algo}.bin`);
    const data = content(seed, size);
    writeFileSync(f, data);
    evmSign(f, key, algo);
    const got = await readFile(join(m.mnt, `${algo}.bin`));
    assert.equal(got.length, size, algo);
    assert.ok(got.equals(data), `${algo}: bytes differ`);
  }
});

test('one byte changed in the middle of a big signed file: EACCES under strict, with the verdict in the log', async () => {
  const f = join(dir, 'tampered-big.bin');
  const data = content(7, 6 * MiB);
  writeFileSync(f, data);
  evmSign(f, key, 'sha256');
  pokeByte(f, 3 * MiB + 17, data[3 * MiB + 17] ^ 0xff);
  await assert.rejects(readFile(join(m.mnt, 'tampered-big.bin')), code('EACCES'));
  assert.match(m.log(), new RegExp(`DENY read ${m.mnt}/tampered-big.bin: (digest-mismatch|bad-signature)`));
});

test('a big file changed on the server between opens is appraised again: new signed content served, unsigned change refused', async () => {
  const f = join(dir, 'versions.bin');
  const v1 = content(21, 5 * MiB);
  writeFileSync(f, v1);
  evmSign(f, key, 'sha256');
  assert.ok((await readFile(join(m.mnt, 'versions.bin'))).equals(v1));
  const v2 = content(22, 5 * MiB);
  writeFileSync(f, v2);
  evmSign(f, key, 'sha256');
  await settle();
  assert.ok((await readFile(join(m.mnt, 'versions.bin'))).equals(v2));
  pokeByte(f, 5 * MiB - 1, v2[5 * MiB - 1] ^ 0x01);
  await settle();
  await assert.rejects(readFile(join(m.mnt, 'versions.bin')), code('EACCES'));
  assert.match(m.log(), new RegExp(`DENY read ${m.mnt}/versions.bin: (digest-mismatch|bad-signature)`));
});
