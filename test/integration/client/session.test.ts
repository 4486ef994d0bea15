import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { NfsClient } from '../../../client/nfs-client.js';
import { NfsError } from '../../../client/errors.js';

let g: Ganesha;
test.before(async () => {
  g = await startGanesha();
  writeFileSync(`${g.exportDir}/hello.txt`, 'hello\n');
});
test.after(async () => { await g?.stop(); });

async function readAll(c: NfsClient, p: string): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of c.read(p)) parts.push(b);
  return Buffer.concat(parts).toString();
}

test('NFSv4.2 session: EXCHANGE_ID, CREATE_SESSION, slots sized from the server, read works', async () => {
  const c = await NfsClient.connect(g.url());
  try {
    assert.equal(c.minorVersion, 2);
    const d = c.diagnostics;
    assert.ok(d.clientId !== undefined);
    assert.equal(d.sessionGen, 1);
    assert.ok(d.slots >= 1 && d.slots <= 64, `slots ${d.slots}`);
    assert.ok(d.maxResponseSize >= 1024 * 1024, `ca_maxresponsesize ${d.maxResponseSize} too small for 1 MiB READs`);
    assert.equal(d.readSize, 1024 * 1024);
    assert.equal(await readAll(c, 'hello.txt'), 'hello\n');
  } finally {
    await c.close();
  }
});

test('forced NFSv4.1 (option and URL parameter)', async () => {
  for (const c of [await NfsClient.connect(g.url(), { minorVersion: 1 }), await NfsClient.connect(`${g.url()}?version=4.1`)]) {
    try {
      assert.equal(c.minorVersion, 1);
      assert.equal((await c.stat('hello.txt')).size, 6);
      assert.equal(await readAll(c, 'hello.txt'), 'hello\n');
    } finally {
      await c.close();
    }
  }
});

test('a server that offers only 4.0 and 4.1: falls back to 4.1 on NFS4ERR_MINOR_VERS_MISMATCH', async (t) => {
  const old = await startGanesha({ minorVersions: [0, 1] });
  t.after(() => old.stop());
  writeFileSync(`${old.exportDir}/x`, 'x');
  const c = await NfsClient.connect(old.url());
  try {
    assert.equal(c.minorVersion, 1);
    assert.equal(await readAll(c, 'x'), 'x');
  } finally {
    await c.close();
  }
  await assert.rejects(NfsClient.connect(old.url(), { minorVersion: 2 }),
    (e: unknown) => e instanceof NfsError && e.statusName === 'NFS4ERR_MINOR_VERS_MISMATCH' && e.op === 'EXCHANGE_ID');
});

test('close() destroys session and client ID; the client cannot be used afterwards', async () => {
  const c = await NfsClient.connect(g.url());
  await c.close();
  await assert.rejects(c.stat('hello.txt'), (e: unknown) => (e as { code?: string }).code === 'IMAFS_RPC_CLOSED');
  // A new client is unaffected.
  const c2 = await NfsClient.connect(g.url());
  try {
    assert.equal((await c2.stat('hello.txt')).type, 'file');
  } finally {
    await c2.close();
  }
});

test('many concurrent operations share the slot table', async () => {
  const c = await NfsClient.connect(g.url());
  try {
    const all = await Promise.all(Array.from({ length: 200 }, () => c.stat('hello.txt')));
    assert.ok(all.every((s) => s.size === 6));
    assert.equal(c.diagnostics.sessionGen, 1);
  } finally {
    await c.close();
  }
});

test('IPv6: nfs://[::1]:PORT/export against ganesha listening on ::1', async (t) => {
  const g6 = await startGanesha({ ipv6: true });
  t.after(() => g6.stop());
  writeFileSync(`${g6.exportDir}/v6`, 'over ipv6');
  assert.match(g6.url(), /^nfs:\/\/\[::1\]:\d+\/export$/);
  const c = await NfsClient.connect(g6.url());
  try {
    assert.equal(c.location.host, '::1');
    assert.equal(await readAll(c, 'v6'), 'over ipv6');
  } finally {
    await c.close();
  }
});
