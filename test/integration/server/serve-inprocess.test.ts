/**
 * The server as a library (test/helpers/imafs-serve.ts startInProcessServe):
 * it never prints, it reports through `log` lines and events, and close()
 * releases the port and every connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { NfsClient } from '../../../client/nfs-client.js';
import type { RefusalEvent } from '../../../server/index.js';
import { tmpDir } from '../../helpers/ima-keys.js';
import { startInProcessServe } from '../../helpers/imafs-serve.js';

test('in-process server: connect and refused events, log lines, clean close', async (t) => {
  const d = tmpDir('imafs-serve-inproc-');
  t.after(() => d.cleanup());
  writeFileSync(path.join(d.dir, 'f'), 'x');
  const s = await startInProcessServe(d.dir, { imaUpdates: 'none' });
  const refused: RefusalEvent[] = [];
  s.server.on('refused', (e: RefusalEvent) => refused.push(e));
  let connects = 0;
  s.server.on('connect', () => connects++);
  const c = await NfsClient.connect(s.url());
  try {
    await assert.rejects(c.setIma('f', Buffer.from([1, 2, 3, 4])), (e: { status?: number }) => e.status === 13);
  } finally {
    await c.close();
  }
  assert.equal(connects, 1);
  assert.equal(refused.length, 1);
  assert.equal(refused[0].op, 'SETATTR(FATTR4_IMA)');
  assert.equal(refused[0].path, '/f');
  assert.equal(refused[0].status, 13);
  assert.match(refused[0].reason, /--ima-updates none/);
  assert.ok(s.logs.some((l) => /^client 127\.0\.0\.1:\d+ connected$/.test(l)), s.logs.join('\n'));
  assert.ok(s.logs.some((l) => l.startsWith('refused SETATTR(FATTR4_IMA) /f for 127.0.0.1:')));
  const idle = net.connect({ host: '127.0.0.1', port: s.port });
  await new Promise((r) => idle.once('connect', r));
  const closedByServer = new Promise((r) => idle.once('close', r));
  await s.stop();
  await closedByServer;
  await assert.rejects(new Promise((resolve, reject) => {
    const x = net.connect({ host: '127.0.0.1', port: s.port });
    x.once('connect', () => { x.destroy(); resolve(undefined); });
    x.once('error', reject);
  }), /ECONNREFUSED/);
});
