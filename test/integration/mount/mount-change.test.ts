/**
 * Content that changes on the server: appraised again at the next open (also
 * past the kernel page cache), never served mixed when it races the fetch.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evmSign, readIma, writeIma, type TestKey } from '../../helpers/ima-keys.js';
import { errCode as code, writeAt, type MountHandle } from './mount-fixture.js';
import { startServedMount, type ServedMount } from './served-mount.js';

let s: ServedMount | undefined;
let dir: string;
let key: TestKey;
let m: MountHandle;

const content = (seed: number, size: number): Buffer => {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 97) & 0xff;
  return b;
};

before(async () => {
  s = await startServedMount('imafs-mount-change-', 'p256', ['--policy', 'strict', '--attr-timeout', '0.2']);
  ({ dir, key, m } = s);
});
after(() => s?.stop());

const settle = () => new Promise((r) => setTimeout(r, 400)); // > attr-timeout

/** Rewrites the file in place (same inode), so only its change attribute tells versions apart. */
const rewrite = (f: string, data: Buffer): void => writeAt(f, data);

test('a file changed on the server between two opens is appraised again; the new content is served only if it verifies', async () => {
  const f = join(dir, 'tool.bin');
  const v1 = content(1, 300_000);
  writeFileSync(f, v1);
  evmSign(f, key, 'sha256');
  assert.ok((await readFile(join(m.mnt, 'tool.bin'))).equals(v1));
  assert.ok((await readFile(join(m.mnt, 'tool.bin'))).equals(v1), 'warm re-read');
  // Same size, new signed content: must not come from the old pages.
  const v2 = content(2, 300_000);
  rewrite(f, v2);
  evmSign(f, key, 'sha256');
  await settle();
  assert.ok((await readFile(join(m.mnt, 'tool.bin'))).equals(v2));
  // Changed again, same size, signature left from v2: refused, and the v2 pages are not served either.
  rewrite(f, content(3, 300_000));
  await settle();
  await assert.rejects(readFile(join(m.mnt, 'tool.bin')), code('EACCES'));
  assert.match(m.log(), new RegExp(`DENY read ${m.mnt}/tool.bin: (digest-mismatch|bad-signature)`));
});

test('a content change racing the fetch is never served: every successful read is exactly one signed version', async (t) => {
  const f = join(dir, 'racy.bin');
  const size = 4 * 1024 * 1024;
  const a = content(10, size);
  const b = content(11, size);
  writeFileSync(f, a);
  const sigA = evmSign(f, key, 'sha256');
  writeFileSync(f, b);
  const sigB = evmSign(f, key, 'sha256');
  let stop = false;
  const writer = (async () => {
    let flip = 0;
    while (!stop) {
      const [d, s] = flip++ % 2 ? [a, sigA] : [b, sigB];
      rewrite(f, d);
      writeIma(f, s);
      // Bursts of rewrites (races) and quiet spells (so some fetches complete).
      await new Promise((r) => setTimeout(r, flip % 20 < 10 ? 2 : 60));
    }
  })();
  const outcomes = { a: 0, b: 0, refused: 0 };
  try {
    for (let i = 0; i < 25; i++) {
      try {
        const got = await readFile(join(m.mnt, 'racy.bin'));
        if (got.equals(a)) outcomes.a++;
        else if (got.equals(b)) outcomes.b++;
        else assert.fail(`read ${i} returned bytes of neither signed version (${got.length} bytes)`);
      } catch (err) {
        const c = (err as NodeJS.ErrnoException).code;
        assert.ok(c === 'EACCES' || c === 'EIO' || c === 'ESTALE', `unexpected ${c}`);
        outcomes.refused++;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    stop = true;
    await writer;
  }
  t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
  assert.equal(outcomes.a + outcomes.b + outcomes.refused, 25);
  assert.ok(outcomes.a + outcomes.b > 0, 'some fetches completed between rewrites');
  assert.ok(readIma(f));
});
