/**
 * stat() at every open of the mount: one COMPOUND that walks the path from
 * the root (SEQUENCE, PUTROOTFH, LOOKUP..., GETATTR) and asks no GETFH,
 * since stat() returns no handle; lookup() still gets its handle. Checked on
 * the wire through a recording TCP relay in front of a real `imafs serve`.
 * The walk at every call is what makes a file renamed over the path, or a
 * changed one, show at once: nothing is cached.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NfsClient } from '../../../client/nfs-client.js';
import { decodeCompound4Args } from '../../../client/nfs4/compound.js';
import { OP } from '../../../client/nfs4/constants.js';
import { RecordParser } from '../../../client/rpc/record-marking.js';
import { decodeCall } from '../../../client/rpc/rpc-message.js';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { tmpDir } from '../../helpers/ima-keys.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';

const NAME = Object.fromEntries(Object.entries(OP).map(([k, v]) => [v, k]));

/** A relay to `port` that decodes each COMPOUND call it passes on into its op names. */
async function recordingRelay(port: number): Promise<{ port: number; calls: string[][]; close: () => Promise<void> }> {
  const calls: string[][] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((down) => {
    const up = net.connect({ host: '127.0.0.1', port });
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => { down.destroy(); up.destroy(); });
    }
    const p = new RecordParser({
      maxRecordSize: 1 << 22,
      onRecord: (rec) => {
        const r = new XdrReader(rec);
        const call = decodeCall(r);
        if (call.proc === 1) calls.push(decodeCompound4Args(r).argarray.map((a) => NAME[a.op]));
      },
    });
    down.on('data', (d: Buffer) => { p.push(d); up.write(d); });
    up.on('data', (d: Buffer) => down.write(d));
  });
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  return {
    port: (srv.address() as net.AddressInfo).port,
    calls,
    close: () => new Promise<void>((res) => { for (const s of sockets) s.destroy(); srv.close(() => res()); }),
  };
}

let tmp: ReturnType<typeof tmpDir>;
let srv: ServeHandle;
let relay: Awaited<ReturnType<typeof recordingRelay>>;
let c: NfsClient;
test.before(async () => {
  tmp = tmpDir('imafs-stat-');
  mkdirSync(join(tmp.dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(tmp.dir, 'a', 'b', 'f'), 'one');
  writeFileSync(join(tmp.dir, 'top'), 'top');
  symlinkSync('a/b', join(tmp.dir, 'ab'));
  srv = await startImafsServe(tmp.dir);
  relay = await recordingRelay(srv.port);
  c = await NfsClient.connect(`nfs://127.0.0.1:${relay.port}/`);
});
test.after(async () => {
  await c?.close();
  await relay?.close();
  await srv?.stop();
  tmp?.cleanup();
});

/** The op lists of the COMPOUNDs `f` sent. */
async function sent(f: () => Promise<unknown>): Promise<string[][]> {
  const from = relay.calls.length;
  await f();
  return relay.calls.slice(from);
}

test('stat(path): one COMPOUND, the path walked from the root, no GETFH', async () => {
  assert.deepEqual(await sent(() => c.stat('top')), [['SEQUENCE', 'PUTROOTFH', 'LOOKUP', 'GETATTR']]);
  assert.deepEqual(await sent(() => c.stat('a/b/f')), [['SEQUENCE', 'PUTROOTFH', 'LOOKUP', 'LOOKUP', 'LOOKUP', 'GETATTR']]);
  const s = await c.stat('a/b/f');
  assert.equal(s.type, 'file');
  assert.equal(s.size, 3);
});

test('lookup(path) still asks for the handle (GETFH before GETATTR)', async () => {
  const calls = await sent(() => c.lookup('top'));
  assert.deepEqual(calls, [['SEQUENCE', 'PUTROOTFH', 'LOOKUP', 'GETFH', 'GETATTR']]);
  assert.equal((await c.lookup('top')).fh.length, 44);
});

test('stat through a symlink in the middle: the walk resumes from the link target', async () => {
  const calls = await sent(() => c.stat('ab/f'));
  assert.deepEqual(calls[0], ['SEQUENCE', 'PUTROOTFH', 'LOOKUP', 'LOOKUP', 'GETATTR']); // LOOKUP f fails: ab is a symlink
  assert.equal((await c.stat('ab/f')).size, 3);
  assert.equal((await c.stat('ab')).type, 'symlink');
});

test('every stat() asks the server: a file renamed over the path and a changed size show at once', async () => {
  const before = await c.stat('a/b/f');
  writeFileSync(join(tmp.dir, 'a', 'b', 'g'), 'replaced!');
  renameSync(join(tmp.dir, 'a', 'b', 'g'), join(tmp.dir, 'a', 'b', 'f'));
  const after = await c.stat('a/b/f');
  assert.notEqual(after.fileid, before.fileid);
  assert.equal(after.size, 9);
  writeFileSync(join(tmp.dir, 'a', 'b', 'f'), 'x');
  const again = await c.stat('a/b/f');
  assert.equal(again.fileid, after.fileid);
  assert.equal(again.size, 1);
  assert.notEqual(again.change, after.change);
  await assert.rejects(c.stat('a/b/missing'), (e: unknown) => (e as { statusName?: string }).statusName === 'NFS4ERR_NOENT');
});
