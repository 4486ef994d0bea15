/**
 * Server-side appraisal (--appraise strict|audit, draft §4.2.1, §5.3): a file
 * whose content no longer matches its evmctl signature is refused with
 * NFS4ERR_INTEGRITY to a participating 4.2 client and NFS4ERR_ACCESS to a
 * legacy one (4.1, or libnfs's 4.0); intact files are served unchanged.
 * Also: 32 clients reading at once all get the right bytes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NfsClient } from '../../../client/nfs-client.js';
import { NFS4ERR } from '../../../client/nfs4/index.js';
import { evmSign, makeKey, tmpDir, writeContent, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';

let t: TmpDir;
let key: TestKey;
const started: ServeHandle[] = [];
const clients: NfsClient[] = [];
const exp = () => path.join(t.dir, 'export');

async function readAll(c: NfsClient, p: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of c.read(p)) parts.push(Buffer.from(b));
  return Buffer.concat(parts);
}
async function client(s: ServeHandle, o: Record<string, unknown> = {}): Promise<NfsClient> {
  const c = await NfsClient.connect(s.url(), o);
  clients.push(c);
  return c;
}

before(async () => {
  t = tmpDir('imafs-serve-appraise-');
  key = makeKey(t.dir, 'rsa2048');
  mkdirSync(exp());
  writeContent(path.join(exp(), 'good.bin'), 300_000, 3);
  evmSign(path.join(exp(), 'good.bin'), key, 'sha256');
  writeFileSync(path.join(exp(), 'bad.bin'), 'original\n');
  evmSign(path.join(exp(), 'bad.bin'), key, 'sha256');
  appendFileSync(path.join(exp(), 'bad.bin'), 'tampered\n');
  writeFileSync(path.join(exp(), 'unsigned.txt'), 'nothing\n');
  writeContent(path.join(exp(), 'shared.bin'), 4 * 1024 * 1024 + 123, 9);
});
after(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  for (const s of started) await s.stop();
  t?.cleanup();
});

test('--appraise strict: participating 4.2 client gets NFS4ERR_INTEGRITY, legacy 4.1 client NFS4ERR_ACCESS, good files read intact', async () => {
  const s = await startImafsServe(exp(), { args: ['--appraise', 'strict', '--keys', key.cert] });
  started.push(s);
  const p42 = await client(s);
  assert.equal(p42.minorVersion, 2);
  assert.deepEqual(await readAll(p42, 'good.bin'), readFileSync(path.join(exp(), 'good.bin')));
  await assert.rejects(readAll(p42, 'bad.bin'), (e: { status?: number }) => e.status === 10097, 'participating client: NFS4ERR_INTEGRITY');
  await assert.rejects(readAll(p42, 'unsigned.txt'), (e: { status?: number }) => e.status === 10097, 'strict: no metadata fails too');
  await s.waitForOutput(/refused (OPEN|READ) \/bad\.bin for .*appraisal failed \(digest-mismatch.*NFS4ERR_INTEGRITY/);

  const legacy = await client(s, { minorVersion: 1 });
  assert.equal(legacy.minorVersion, 1);
  await assert.rejects(readAll(legacy, 'bad.bin'), (e: { status?: number }) => e.status === NFS4ERR.ACCESS, 'legacy client: NFS4ERR_ACCESS');
  assert.deepEqual(await readAll(legacy, 'good.bin'), readFileSync(path.join(exp(), 'good.bin')));
  await s.waitForOutput(/refused (OPEN|READ) \/bad\.bin for .*NFS4ERR_ACCESS \(legacy client\)/);

  // libnfs speaks 4.0 only: a legacy client too.
  const bad = spawnSync('nfs-cat', [s.libnfsUrl('bad.bin')], { encoding: 'buffer', timeout: 20_000 });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr.toString(), /NFS4ERR_ACCESS|Permission denied|EACCES|-13/);
  const good = spawnSync('nfs-cat', [s.libnfsUrl('good.bin')], { encoding: 'buffer', timeout: 20_000, maxBuffer: 1 << 24 });
  assert.equal(good.status, 0, good.stderr.toString());
  assert.deepEqual(good.stdout, readFileSync(path.join(exp(), 'good.bin')));
});

test('--appraise audit: everything is served, failures only logged', async () => {
  const s = await startImafsServe(exp(), { args: ['--appraise', 'audit', '--keys', key.cert] });
  started.push(s);
  const c = await client(s);
  assert.deepEqual(await readAll(c, 'bad.bin'), readFileSync(path.join(exp(), 'bad.bin')));
  await s.waitForOutput(/audit: (OPEN|READ) \/bad\.bin .*digest-mismatch/);
});

test('32 clients reading the same 4 MiB file in parallel all get the exact bytes', async () => {
  const s = await startImafsServe(exp());
  started.push(s);
  const want = createHash('sha256').update(readFileSync(path.join(exp(), 'shared.bin'))).digest('hex');
  const cs = await Promise.all(Array.from({ length: 32 }, () => client(s)));
  const got = await Promise.all(cs.map(async (c) => {
    const h = createHash('sha256');
    let n = 0;
    for await (const b of c.read('shared.bin')) { h.update(b); n += b.length; }
    return { n, hex: h.digest('hex') };
  }));
  for (const g of got) assert.deepEqual(g, { n: 4 * 1024 * 1024 + 123, hex: want });
});

test('participation is tracked per client ID: a 4.2 client gets NFS4ERR_INTEGRITY only after asking about FATTR4_IMA', async () => {
  const { RawNfs } = await import('./raw-nfs.js');
  const { getattrOp, openOp, putrootfhOp } = await import('../../../client/nfs4/index.js');
  const s = await startImafsServe(exp(), { args: ['--appraise', 'strict', '--keys', key.cert] });
  started.push(s);
  const c = await RawNfs.connect(s.port);
  const other = await RawNfs.connect(s.port);
  try {
    await c.createSession(2);
    await other.createSession(2);
    const open = (conn: typeof c, n: number) => conn.seq(2, [[putrootfhOp, {}], [openOp, {
      seqid: 0, shareAccess: 1, shareDeny: 0, owner: { clientid: conn.clientid!, owner: Buffer.from(`o${n}`) }, openhow: { opentype: 0 }, claim: { claim: 0, file: 'bad.bin' },
    }]]);
    assert.equal((await open(c, 1)).status, NFS4ERR.ACCESS, 'has not asked yet: legacy');
    assert.equal((await c.seq(2, [[putrootfhOp, {}], [getattrOp, { attrRequest: [93] }]])).status, 0);
    assert.equal((await open(c, 2)).status, 10097, 'asked for FATTR4_IMA: participating');
    assert.equal((await open(other, 3)).status, NFS4ERR.ACCESS, 'another client ID is still legacy');
  } finally {
    c.close();
    other.close();
  }
});
