import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { NfsClient } from '../../../client/nfs-client.js';
import { sha256 } from './cli.js';

const LEASE = 4;
let g: Ganesha;
let big: Buffer;
test.before(async () => {
  // A short lease so "idle longer than the lease" takes seconds, not minutes.
  g = await startGanesha({ leaseSeconds: LEASE });
  writeFileSync(`${g.exportDir}/small`, 'small file\n');
  big = randomBytes(24 * 1024 * 1024 + 3);
  writeFileSync(`${g.exportDir}/big`, big);
});
test.after(async () => { await g?.stop(); });

async function text(c: NfsClient, p: string): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of c.read(p)) parts.push(b);
  return Buffer.concat(parts).toString();
}

test('ganesha killed and restarted: the next read on the same client reconnects, gets a new client ID and session', async () => {
  const c = await NfsClient.connect(g.url());
  try {
    assert.equal(await text(c, 'small'), 'small file\n');
    const before = c.diagnostics;
    await g.kill();
    await g.start();
    assert.equal(await text(c, 'small'), 'small file\n');
    const after = c.diagnostics;
    assert.ok(after.connections > before.connections, 'reconnected');
    assert.ok(after.sessionGen > before.sessionGen, 'new session');
    assert.ok(after.stateEpoch > before.stateEpoch, 'new client ID (server state lost)');
    // And again after a graceful restart.
    await g.restart();
    assert.equal((await c.stat('small')).size, 11);
  } finally {
    await c.close();
  }
});

test('a read in progress survives a server crash: reconnect, re-OPEN, same bytes', async () => {
  const c = await NfsClient.connect(g.url(), { readAhead: 2 });
  try {
    const h = createHash('sha256');
    let n = 0;
    let crashed = false;
    for await (const b of c.read('big')) {
      h.update(b);
      n += b.length;
      if (!crashed && n >= 4 * 1024 * 1024) {
        crashed = true;
        await g.kill();
        await g.start();
      }
    }
    assert.ok(crashed);
    assert.equal(n, big.length);
    assert.equal(h.digest('hex'), sha256(big));
  } finally {
    await c.close();
  }
});

test(`idle for longer than the ${LEASE} s lease: renewal keeps the client ID, and a read succeeds`, { timeout: 60_000 }, async () => {
  const c = await NfsClient.connect(g.url());
  try {
    assert.equal(await text(c, 'small'), 'small file\n');
    const before = c.diagnostics;
    await new Promise((r) => setTimeout(r, (LEASE * 2 + 2) * 1000));
    assert.equal(await text(c, 'small'), 'small file\n');
    const after = c.diagnostics;
    assert.equal(after.clientId, before.clientId, 'lease was renewed while idle');
    assert.equal(after.stateEpoch, before.stateEpoch);
  } finally {
    await c.close();
  }
});

test('an open stream idle past the lease keeps reading (its open state stays valid)', { timeout: 60_000 }, async () => {
  const c = await NfsClient.connect(g.url(), { readAhead: 1 });
  try {
    const it = c.read('big')[Symbol.asyncIterator]();
    const first = await it.next();
    assert.ok(!first.done);
    const h = createHash('sha256').update(first.value);
    let n = first.value.length;
    await new Promise((r) => setTimeout(r, (LEASE * 2 + 1) * 1000));
    for (let r = await it.next(); !r.done; r = await it.next()) { h.update(r.value); n += r.value.length; }
    assert.equal(n, big.length);
    assert.equal(h.digest('hex'), sha256(big));
  } finally {
    await c.close();
  }
});
