import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { NfsClient } from '../../../client/nfs-client.js';
import { catSha256, sha256 } from './cli.js';

let g: Ganesha;
const files = new Map<string, string>();
const MiB = 1024 * 1024;

test.before(async () => {
  g = await startGanesha();
  for (const [name, size] of [['empty', 0], ['one', 1], ['mib1', MiB + 1]] as const) {
    const b = randomBytes(size);
    writeFileSync(`${g.exportDir}/${name}`, b);
    files.set(name, sha256(b));
  }
  // 64 MiB written in pieces so the test never holds it in memory twice.
  const h = createHash('sha256');
  const fd = openSync(`${g.exportDir}/big64`, 'w');
  for (let i = 0; i < 64; i++) {
    const b = randomBytes(MiB);
    h.update(b);
    writeSync(fd, b);
  }
  closeSync(fd);
  files.set('big64', h.digest('hex'));
});
test.after(async () => { await g?.stop(); });

for (const name of ['empty', 'one', 'mib1', 'big64']) {
  test(`imafs cat ${name}: same sha256 as the exported file, exit 0`, async () => {
    const r = await catSha256(g.url(`/${name}`));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.sha256, files.get(name));
    assert.equal(r.stderr, '');
  });
}

test('API read(): async iterable in order; createReadStream(): Readable; ranges', async () => {
  const c = await NfsClient.connect(g.url());
  try {
    const h = createHash('sha256');
    let n = 0;
    for await (const b of c.read('big64')) { h.update(b); n += b.length; }
    assert.equal(n, 64 * MiB);
    assert.equal(h.digest('hex'), files.get('big64'));

    const h2 = createHash('sha256');
    for await (const b of c.createReadStream('mib1')) h2.update(b as Buffer);
    assert.equal(h2.digest('hex'), files.get('mib1'));

    // A range spanning a READ boundary, and an empty tail.
    const full: Buffer[] = [];
    for await (const b of c.read('mib1')) full.push(b);
    const whole = Buffer.concat(full);
    const part: Buffer[] = [];
    for await (const b of c.read('mib1', { start: MiB - 10, end: MiB })) part.push(b);
    assert.deepEqual(Buffer.concat(part), whole.subarray(MiB - 10, MiB + 1));
    const none: Buffer[] = [];
    for await (const b of c.read('mib1', { start: MiB + 1 })) none.push(b);
    assert.equal(Buffer.concat(none).length, 0);
  } finally {
    await c.close();
  }
});

test('a consumer that stops early closes the file and the client stays usable', async () => {
  const c = await NfsClient.connect(g.url());
  try {
    for await (const b of c.read('big64')) {
      assert.ok(b.length > 0);
      break;
    }
    const s = c.createReadStream('big64');
    await new Promise<void>((resolve) => { s.once('data', () => { s.destroy(); resolve(); }); });
    const one: Buffer[] = [];
    for await (const b of c.read('one')) one.push(b);
    assert.equal(sha256(Buffer.concat(one)), files.get('one'));
  } finally {
    await c.close();
  }
});

test('imafs cat into a pipe that closes early exits quietly', async () => {
  const { spawn } = await import('node:child_process');
  const { IMAFS } = await import('./cli.js');
  const child = spawn(process.execPath, [IMAFS, 'cat', g.url('/big64')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
});

test('OPEN refused (another client holds the file with share_deny READ): READ with the READ-bypass stateid', async () => {
  const { op } = await import('../../../client/session/compound-call.js');
  const { putfhOp } = await import('../../../client/nfs4/ops/putfh.js');
  const { openOp } = await import('../../../client/nfs4/ops/open.js');
  const { CLAIM_FH, OPEN4_NOCREATE, OPEN4_SHARE_ACCESS_READ, OPEN4_SHARE_DENY_READ, OPEN4_SHARE_ACCESS_WANT_NO_DELEG } = await import('../../../client/nfs4/constants.js');
  type Session = import('../../../client/session/nfs-session.js').NfsSession;
  const holder = await NfsClient.connect(g.url());
  const c = await NfsClient.connect(g.url());
  try {
    const n = await holder.lookup('mib1');
    const s = (holder as unknown as { session: Session }).session;
    const held = await s.compoundRaw([op(putfhOp, { object: n.fh }), op(openOp, {
      seqid: 0, shareAccess: OPEN4_SHARE_ACCESS_READ | OPEN4_SHARE_ACCESS_WANT_NO_DELEG, shareDeny: OPEN4_SHARE_DENY_READ,
      owner: { clientid: s.clientId!, owner: Buffer.from('deny-holder') }, openhow: { opentype: OPEN4_NOCREATE }, claim: { claim: CLAIM_FH },
    })]);
    assert.equal(held.status, 0, 'the holder got its deny-READ open');
    const h = createHash('sha256');
    for await (const b of c.read('mib1')) h.update(b);
    assert.equal(h.digest('hex'), files.get('mib1'));
  } finally {
    await c.close();
    await holder.close();
  }
});
