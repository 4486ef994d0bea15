/**
 * The READDIR-to-READ hand-off of small files' bytes (server/fs/small-content.ts):
 * a file listed with FATTR4_IMA is read from the listing's copy, and the copy
 * is never served once the file changed (content rewritten with its mtime put
 * back, replaced by rename, grown, or changed too recently to be kept).
 * In-process server (its counters are visible), hand-made COMPOUNDs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { setAttributeSync } from '@napi-rs/xattr';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ANONYMOUS_STATEID, FATTR4, NF4 } from '../../../client/nfs4/constants.js';
import { decodeFattr, makeAttrConfig } from '../../../client/nfs4/fattr.js';
import { putfhOp } from '../../../client/nfs4/ops/putfh.js';
import { readOp } from '../../../client/nfs4/ops/read.js';
import { readdirOp } from '../../../client/nfs4/ops/readdir.js';
import { NFS4ERR } from '../../../client/nfs4/status.js';
import { tmpDir } from '../../helpers/ima-keys.js';
import { rawSessionOnServe } from './raw-nfs.js';

const MASK = [FATTR4.TYPE, FATTR4.CHANGE, FATTR4.SIZE, FATTR4.RDATTR_ERROR, FATTR4.FILEHANDLE, 93];
const cfg = makeAttrConfig(93);
const MTIME = 1_700_000_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Res = any;

async function setup(t: import('node:test').TestContext, files: Record<string, Buffer>, settle = true) {
  const d = tmpDir('imafs-handoff-');
  t.after(() => d.cleanup());
  for (const [n, b] of Object.entries(files)) {
    writeFileSync(path.join(d.dir, n), b);
    // Whole seconds, so a test can put exactly this mtime back.
    utimesSync(path.join(d.dir, n), MTIME, MTIME);
  }
  // Only files whose ctime is over a second old are kept (a racing write must move ctime).
  if (settle) await sleep(1100);
  const { s, c, rootFh } = await rawSessionOnServe(t, d.dir);
  const list = async (): Promise<Map<string, { fh: Buffer; size: number }>> => {
    const r = await c.seq(2, [[putfhOp, { object: rootFh }], [readdirOp, { cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 8192, maxcount: 32768, attrRequest: MASK }]]);
    assert.equal(r.status, 0);
    const ok = (r.results[2].res as Res).resok;
    assert.equal(ok.eof, true);
    const out = new Map<string, { fh: Buffer; size: number }>();
    for (const e of ok.entries) {
      const f = decodeFattr(e.attrs, cfg);
      out.set(e.name, { fh: Buffer.from(f.filehandle!), size: Number(f.size) });
    }
    return out;
  };
  const read = async (fh: Buffer, count: number, offset = 0n): Promise<{ status: number; data?: Buffer; eof?: boolean }> => {
    const r = await c.seq(2, [[putfhOp, { object: fh }], [readOp, { stateid: ANONYMOUS_STATEID, offset, count }]]);
    if (r.status !== 0) return { status: r.status };
    const ok = (r.results[2].res as Res).resok;
    return { status: 0, data: Buffer.from(ok.data), eof: ok.eof };
  };
  return { dir: d.dir, small: s.server.core.files.small, list, read, c, rootFh };
}

test('hand-off: files listed with FATTR4_IMA are read from the listing\'s copy, byte for byte', async (t) => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 20; i++) files[`f${i}`] = Buffer.alloc(100 + i * 97, i + 1);
  const h = await setup(t, files);
  const listed = await h.list();
  assert.equal(h.small.size, 20);
  for (const [name, want] of Object.entries(files)) {
    const r = await h.read(listed.get(name)!.fh, want.length + 1);
    assert.equal(r.status, 0);
    assert.deepEqual(r.data, want, name);
    assert.equal(r.eof, true);
  }
  assert.equal(h.small.hits, 20);
  assert.equal(h.small.size, 0, 'a copy is used up by the READ that reaches EOF');
  // Read again: no copy left, the file itself answers, same bytes.
  const again = await h.read(listed.get('f3')!.fh, 1000);
  assert.deepEqual(again.data, files.f3);
  assert.equal(h.small.hits, 20);
});

test('hand-off: partial READs of a kept copy give the right ranges and eof', async (t) => {
  const body = Buffer.from([...Array(1000).keys()].map((i) => i & 0xff));
  const h = await setup(t, { a: body });
  const fh = (await h.list()).get('a')!.fh;
  const r1 = await h.read(fh, 300, 0n);
  assert.deepEqual(r1.data, body.subarray(0, 300));
  assert.equal(r1.eof, false);
  const r2 = await h.read(fh, 300, 300n);
  assert.deepEqual(r2.data, body.subarray(300, 600));
  const r3 = await h.read(fh, 5000, 600n);
  assert.deepEqual(r3.data, body.subarray(600));
  assert.equal(r3.eof, true);
  assert.equal(h.small.hits, 3);
  assert.equal(h.small.size, 0);
});

test('hand-off never serves stale bytes: same-size rewrite with the old mtime put back', async (t) => {
  const h = await setup(t, { a: Buffer.from('original content!') });
  const fh = (await h.list()).get('a')!.fh;
  const p = path.join(h.dir, 'a');
  const before = statSync(p, { bigint: true });
  writeFileSync(p, 'CHANGED content!!');
  utimesSync(p, MTIME, MTIME);
  const after = statSync(p, { bigint: true });
  assert.equal(after.mtimeNs, before.mtimeNs, 'mtime restored: only ctime tells');
  assert.equal(after.size, before.size);
  const r = await h.read(fh, 100);
  assert.equal(r.data!.toString(), 'CHANGED content!!');
  assert.equal(h.small.hits, 0);
});

test('hand-off never serves stale bytes: grown file, and a file replaced by rename', async (t) => {
  const h = await setup(t, { g: Buffer.from('short'), r: Buffer.from('old file') });
  const listed = await h.list();
  appendFileSync(path.join(h.dir, 'g'), ' and longer');
  const g = await h.read(listed.get('g')!.fh, 100);
  assert.equal(g.data!.toString(), 'short and longer');
  writeFileSync(path.join(h.dir, 'r.new'), 'new file');
  renameSync(path.join(h.dir, 'r.new'), path.join(h.dir, 'r'));
  const r = await h.read(listed.get('r')!.fh, 100);
  assert.equal(r.status, NFS4ERR.STALE, 'the old handle names an inode that is gone');
  assert.equal(h.small.hits, 0);
});

test('hand-off: files changed less than a second ago are not kept (and read correctly)', async (t) => {
  const h = await setup(t, { fresh: Buffer.from('just written') }, false);
  const fh = (await h.list()).get('fresh')!.fh;
  assert.equal(h.small.size, 0);
  const r = await h.read(fh, 100);
  assert.equal(r.data!.toString(), 'just written');
  assert.equal(h.small.hits, 0);
});

test('READDIR with FATTR4_IMA: each entry reports what it is; a symlink to an outside file never shows that file\'s metadata', async (t) => {
  const out = tmpDir('imafs-handoff-out-');
  t.after(() => out.cleanup());
  writeFileSync(path.join(out.dir, 'secret'), 'outside');
  setAttributeSync(path.join(out.dir, 'secret'), 'security.ima', Buffer.from([3, 2, 9, 9, 9]));
  const h = await setup(t, { file: Buffer.from('inside') });
  setAttributeSync(path.join(h.dir, 'file'), 'security.ima', Buffer.from([3, 2, 1, 1, 1]));
  symlinkSync(path.join(out.dir, 'secret'), path.join(h.dir, 'link'));
  execFileSync('mkfifo', [path.join(h.dir, 'fifo')]);
  mkdirSync(path.join(h.dir, 'sub'));
  const r = await h.c.seq(2, [[putfhOp, { object: h.rootFh }], [readdirOp, { cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 8192, maxcount: 32768, attrRequest: MASK }]]);
  assert.equal(r.status, 0);
  const got = new Map<string, { type: number | undefined; ima: string | undefined }>();
  for (const e of (r.results[2].res as Res).resok.entries) {
    const f = decodeFattr(e.attrs, cfg);
    got.set(e.name, { type: f.type, ima: f.ima ? Buffer.from(f.ima).toString('hex') : undefined });
  }
  assert.deepEqual(Object.fromEntries(got), {
    fifo: { type: NF4.FIFO, ima: '' },
    file: { type: NF4.REG, ima: '0302010101' },
    link: { type: NF4.LNK, ima: '' },
    sub: { type: NF4.DIR, ima: '' },
  });
});
