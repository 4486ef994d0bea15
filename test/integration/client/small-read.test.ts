import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { NfsClient } from '../../../client/nfs-client.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** readSmall against one server: exact bytes, batching, and the OPEN/READ/CLOSE fallback. */
function suite(name: string, start: () => Promise<{ dir: string; url: string; stop: () => Promise<unknown> }>): void {
  test.describe(`readSmall against ${name}`, () => {
    let srv: { dir: string; url: string; stop: () => Promise<unknown> };
    let c: NfsClient;
    // Every file exists before the first READDIR: ganesha caches directory contents.
    const sizes = [0, 1, 4096, -1];
    const want: Buffer[] = [];
    const many = Array.from({ length: 200 }, (_, i) => randomBytes(512 + ((i * 977) % 3585)));
    let big: Buffer;
    const small = randomBytes(1000);
    test.before(async () => {
      srv = await start();
      c = await NfsClient.connect(srv.url);
      sizes.forEach((n, i) => {
        want.push(randomBytes(n < 0 ? c.smallReadLimit : n));
        writeFileSync(path.join(srv.dir, `s${i}`), want[i]);
      });
      big = randomBytes(c.smallReadLimit + 1);
      writeFileSync(path.join(srv.dir, 'big'), big);
      writeFileSync(path.join(srv.dir, 'grows'), small);
      many.forEach((b, i) => writeFileSync(path.join(srv.dir, `m${i}`), b));
    });
    test.after(async () => {
      await c?.close().catch(() => undefined);
      await srv?.stop();
    });

    test('0 B, 1 B, 4 KiB and limit-sized files in one call: exact sha256, no fallback', async () => {
      const listed = await c.readdir('/');
      const entries = sizes.map((_, i) => listed.find((e) => e.name === `s${i}`)!);
      const before = { ...c.stats };
      const got = await c.readSmall(entries.map((e) => ({ fh: e.fh!, size: e.size })));
      assert.deepEqual(got.map(sha), want.map(sha));
      assert.equal(c.stats.smallReads - before.smallReads, 4);
      assert.equal(c.stats.smallFallbacks - before.smallFallbacks, 0);
    });

    test('a file of maxread bytes (larger than one READ) and a file grown since listing: fallback, exact bytes', async () => {
      const listed = await c.readdir('/');
      const eb = listed.find((e) => e.name === 'big')!;
      const eg = listed.find((e) => e.name === 'grows')!;
      const extra = randomBytes(5000);
      appendFileSync(path.join(srv.dir, 'grows'), extra);
      const before = { ...c.stats };
      const got = await c.readSmall([{ fh: eb.fh!, size: eb.size }, { fh: eg.fh!, size: eg.size }]);
      assert.equal(sha(got[0]), sha(big));
      assert.equal(sha(got[1]), sha(Buffer.concat([small, extra])));
      assert.equal(c.stats.smallFallbacks - before.smallFallbacks, 2);
    });

    test('200 files in one call (several COMPOUNDs within the session limits): exact bytes', async () => {
      const listed = await c.readdir('/');
      const entries = many.map((_, i) => listed.find((e) => e.name === `m${i}`)!);
      const before = { ...c.stats };
      const got = await c.readSmall(entries.map((e) => ({ fh: e.fh!, size: e.size })));
      assert.deepEqual(got.map(sha), many.map(sha));
      assert.equal(c.stats.smallReads - before.smallReads, 200);
    });
  });
}

suite('nfs-ganesha', async () => {
  const g: Ganesha = await startGanesha();
  return { dir: g.exportDir, url: g.url(''), stop: () => g.stop() };
});

suite('imafs serve', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'imafs-small-read-'));
  let s: ServeHandle;
  try {
    s = await startImafsServe(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    url: s.url(''),
    stop: async () => {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
