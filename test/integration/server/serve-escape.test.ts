/**
 * Escape attempts against imafs serve: forged, truncated and foreign file
 * handles, a correctly MACed handle for an inode outside the export, `..` at
 * the root, symlinks pointing outside, and a directory swapped for a symlink
 * after its handle was issued. None may reach a byte outside the export.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  FATTR4, NF4, NFS4ERR, decodeFattr, getattrOp, getfhOp, lookupOp, openOp, putfhOp, putrootfhOp, readOp, readdirOp, readlinkOp,
} from '../../../client/nfs4/index.js';
import { FileHandleCodec } from '../../../server/fs/file-handle.js';
import { tmpDir, type TmpDir } from '../../helpers/ima-keys.js';
import { startImafsServe, type ServeHandle } from '../../helpers/imafs-serve.js';
import { RawNfs } from './raw-nfs.js';

let t: TmpDir;
let srv: ServeHandle;
let other: ServeHandle;
let c: RawNfs;
const exp = () => path.join(t.dir, 'export');
const keyFile = () => path.join(t.dir, 'fh.key');
const anon = { seqid: 0, other: Buffer.alloc(12) };
type Res = { resok: { object: Buffer } };

async function fhOf(names: string[], conn = c): Promise<Buffer> {
  const r = await conn.compound(0, [[putrootfhOp, {}], ...names.map((n) => [lookupOp, { objname: n }] as [typeof lookupOp, object]), [getfhOp, {}]]);
  assert.equal(r.status, 0, `lookup ${names.join('/')}`);
  return (r.results.at(-1)!.res as unknown as Res).resok.object;
}
const putfh = (fh: Buffer) => c.compound(0, [[putfhOp, { object: fh }], [getattrOp, { attrRequest: [FATTR4.TYPE] }]]);

before(async () => {
  t = tmpDir('imafs-serve-escape-');
  mkdirSync(path.join(exp(), 'sub'), { recursive: true });
  writeFileSync(path.join(exp(), 'sub', 'n.txt'), 'inside\n');
  writeFileSync(path.join(t.dir, 'outside.txt'), 'SECRET outside the export\n');
  symlinkSync('/etc', path.join(exp(), 'etc-link'));
  symlinkSync('../outside.txt', path.join(exp(), 'up-link'));
  writeFileSync(keyFile(), Buffer.alloc(32, 0x42));
  srv = await startImafsServe(exp(), { args: ['--handle-key', keyFile()] });
  other = await startImafsServe(exp());
  c = await RawNfs.connect(srv.port);
});
after(async () => {
  c?.close();
  await srv?.stop();
  await other?.stop();
  t?.cleanup();
});

test('forged, truncated, oversized-random and foreign handles are BADHANDLE, and the refusal is logged', async () => {
  const fh = await fhOf(['sub', 'n.txt']);
  assert.equal((await putfh(fh)).status, 0);
  for (const i of [4, 13, 21, 30, 43]) {
    const f = Buffer.from(fh);
    f[i] ^= 0x01;
    assert.equal((await putfh(f)).status, NFS4ERR.BADHANDLE, `byte ${i} flipped`);
  }
  assert.equal((await putfh(fh.subarray(0, 43))).status, NFS4ERR.BADHANDLE);
  assert.equal((await putfh(Buffer.alloc(0))).status, NFS4ERR.BADHANDLE);
  assert.equal((await putfh(Buffer.alloc(128, 0xab))).status, NFS4ERR.BADHANDLE);
  const o = await RawNfs.connect(other.port);
  try {
    const foreign = await fhOf(['sub', 'n.txt'], o);
    assert.equal((await putfh(foreign)).status, NFS4ERR.BADHANDLE, 'a handle of another server run (other key)');
  } finally {
    o.close();
  }
  await srv.waitForOutput(/refused PUTFH - for 127\.0\.0\.1:\d+ uid=0: forged or foreign file handle/);
});

test('a correctly keyed handle for an inode outside the export is STALE, never served', async () => {
  const codec = new FileHandleCodec(Buffer.alloc(32, 0x42));
  for (const p of ['/etc/passwd', path.join(t.dir, 'outside.txt'), t.dir]) {
    const st = statSync(p, { bigint: true });
    const fh = codec.encode({ dev: st.dev, ino: st.ino, gen: st.birthtimeNs });
    assert.equal((await putfh(fh)).status, NFS4ERR.STALE, p);
    const rd = await c.compound(0, [[putfhOp, { object: fh }], [readOp, { stateid: anon, offset: 0n, count: 100 }]]);
    assert.equal(rd.status, NFS4ERR.STALE);
  }
});

test('"..", symlinks to outside: LOOKUP never follows them, READ/OPEN/READDIR refuse them, READLINK returns the text only', async () => {
  const up = await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: '..' }], [lookupOp, { objname: '..' }], [lookupOp, { objname: 'passwd' }]]);
  assert.equal(up.status, NFS4ERR.NOENT);
  const viaLink = await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'etc-link' }], [lookupOp, { objname: 'passwd' }]]);
  assert.equal(viaLink.status, NFS4ERR.SYMLINK);
  const link = await fhOf(['etc-link']);
  const ga = await c.compound(0, [[putfhOp, { object: link }], [getattrOp, { attrRequest: [FATTR4.TYPE] }]]);
  assert.equal(decodeFattr((ga.results[1].res as unknown as { resok: { objAttributes: { attrmask: number[]; attrVals: Buffer } } }).resok.objAttributes).type, NF4.LNK);
  const rl = await c.compound(0, [[putfhOp, { object: link }], [readlinkOp, {}]]);
  assert.equal((rl.results[1].res as unknown as { resok: { link: Buffer } }).resok.link.toString(), '/etc');
  const upLink = await fhOf(['up-link']);
  for (const minor of [0, 2]) {
    const conn = await RawNfs.connect(srv.port);
    try {
      if (minor) await conn.createSession(2);
      const run = (ops: never) => (minor ? conn.seq(2, ops) : conn.compound(0, ops));
      const rd = await run([[putfhOp, { object: upLink }], [readOp, { stateid: anon, offset: 0n, count: 100 }]] as never);
      assert.equal(rd.status, minor ? NFS4ERR.SYMLINK : NFS4ERR.INVAL, `READ of a symlink, 4.${minor}`);
      const dir = await run([[putfhOp, { object: link }], [readdirOp, { cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 0, maxcount: 8192, attrRequest: [] }]] as never);
      assert.equal(dir.status, NFS4ERR.NOTDIR);
    } finally {
      conn.close();
    }
  }
});

test('OPEN of a symlink by name is NFS4ERR_SYMLINK (v4.0 open-owner flow)', async () => {
  const { setclientidOp, setclientidConfirmOp } = await import('../../../client/nfs4/index.js');
  const sc = await c.compound(0, [[setclientidOp, { client: { verifier: Buffer.alloc(8, 1), ownerid: Buffer.from('escape-test') }, callback: { program: 0, location: { netid: 'tcp', addr: '127.0.0.1.0.0' } }, callbackIdent: 0 }]]);
  const ok = (sc.results[0].res as unknown as { resok: { clientid: bigint; setclientidConfirm: Buffer } }).resok;
  assert.equal((await c.compound(0, [[setclientidConfirmOp, { clientid: ok.clientid, setclientidConfirm: ok.setclientidConfirm }]])).status, 0);
  const open = await c.compound(0, [[putrootfhOp, {}], [openOp, {
    seqid: 1, shareAccess: 1, shareDeny: 0, owner: { clientid: ok.clientid, owner: Buffer.from('ow') }, openhow: { opentype: 0 }, claim: { claim: 0, file: 'up-link' },
  }]]);
  assert.equal(open.status, NFS4ERR.SYMLINK);
});

test('a directory replaced by a symlink after its handle was issued: the old handles are STALE', async () => {
  const dirFh = await fhOf(['sub']);
  const fileFh = await fhOf(['sub', 'n.txt']);
  renameSync(path.join(exp(), 'sub'), path.join(t.dir, 'moved-out'));
  symlinkSync(t.dir, path.join(exp(), 'sub'));
  assert.equal((await putfh(dirFh)).status, NFS4ERR.STALE);
  assert.equal((await putfh(fileFh)).status, NFS4ERR.STALE);
  const r = await c.compound(0, [[putfhOp, { object: fileFh }], [readOp, { stateid: anon, offset: 0n, count: 100 }]]);
  assert.equal(r.status, NFS4ERR.STALE);
  const via = await c.compound(0, [[putrootfhOp, {}], [lookupOp, { objname: 'sub' }], [lookupOp, { objname: 'outside.txt' }]]);
  assert.equal(via.status, NFS4ERR.SYMLINK);
});
