import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrError } from '../../../client/errors.js';
import { ANONYMOUS_STATEID, OP } from '../../../client/nfs4/constants.js';
import { decodeFattr, encodeFattr } from '../../../client/nfs4/fattr.js';
import { NO_ARGS } from '../../../client/nfs4/op-codec.js';
import {
  accessOp, getattrOp, getfhOp, illegalOp, lookupOp, lookuppOp, nverifyOp, putfhOp, putpubfhOp, putrootfhOp,
  readlinkOp, restorefhOp, savefhOp, setattrOp, verifyOp,
} from '../../../client/nfs4/ops/index.js';
import { checkVector, dec, hex } from './hex.js';

test('void-argument ops: PUTROOTFH, PUTPUBFH, LOOKUPP, SAVEFH, RESTOREFH, ILLEGAL', () => {
  for (const [codec, op] of [[putrootfhOp, 24], [putpubfhOp, 23], [lookuppOp, 16], [savefhOp, 32], [restorefhOp, 31], [illegalOp, OP.ILLEGAL]] as const) {
    assert.equal(codec.op, op);
    checkVector(codec, 'args', NO_ARGS, hex(''));
    checkVector(codec, 'res', { status: 0 }, hex('00000000'));
    checkVector(codec, 'res', { status: 10020 }, hex('00002724'));
  }
});

test('PUTFH (RFC 8881 §18.19): nfs_fh4<128>', () => {
  checkVector(putfhOp, 'args', { object: hex('deadbeef01') }, hex('00000005 deadbeef 01000000'));
  assert.throws(() => dec(Buffer.concat([hex('00000081'), Buffer.alloc(132)]), putfhOp.decodeArgs),
    (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
  assert.throws(() => dec(hex('00000001 ff00ff00'), putfhOp.decodeArgs),
    (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_BAD_PADDING');
  checkVector(putfhOp, 'args', { object: Buffer.alloc(128, 7) }, Buffer.concat([hex('00000080'), Buffer.alloc(128, 7)]));
});

test('LOOKUP (§18.13), GETFH (§18.8), ACCESS (§18.1), READLINK (§18.24)', () => {
  checkVector(lookupOp, 'args', { objname: 'a.txt' }, hex('00000005 612e7478 74000000'));
  checkVector(lookupOp, 'args', { objname: 'é' }, hex('00000002 c3a90000'));
  checkVector(lookupOp, 'res', { status: 2 }, hex('00000002'));
  checkVector(getfhOp, 'res', { status: 0, resok: { object: hex('deadbeef') } }, hex('00000000 00000004 deadbeef'));
  checkVector(getfhOp, 'res', { status: 70 }, hex('00000046'));
  checkVector(accessOp, 'args', { access: 0x3f }, hex('0000003f'));
  checkVector(accessOp, 'res', { status: 0, resok: { supported: 0x1f, access: 0x0d } }, hex('00000000 0000001f 0000000d'));
  checkVector(readlinkOp, 'res', { status: 0, resok: { link: Buffer.from('hello.txt') } }, hex('00000000 00000009 68656c6c 6f2e7478 74000000'));
  checkVector(readlinkOp, 'res', { status: 0, resok: { link: hex('ff') } }, hex('00000000 00000001 ff000000'));
});

test('GETATTR (§18.7): request bitmap with an unknown bit decodes for the server', () => {
  checkVector(getattrOp, 'args', { attrRequest: [0, 1, 4, 93, 200] }, hex('00000007 00000013 00000000 20000000 00000000 00000000 00000000 00000100'));
  const res = { status: 0, resok: { objAttributes: encodeFattr({ type: 2, fileid: 3n }) } };
  checkVector(getattrOp, 'res', res, hex('00000000 00000001 00100002 0000000c 00000002 00000000 00000003'));
  checkVector(getattrOp, 'res', { status: 10032 }, hex('00002730'));
});

test('SETATTR (§18.30): attrsset is present on success and on error', () => {
  const ima = encodeFattr({ ima: hex('0302') });
  checkVector(setattrOp, 'args', { stateid: ANONYMOUS_STATEID, objAttributes: ima },
    hex(`00000000 000000000000000000000000 | 00000003 00000000 00000000 20000000 | 00000008 00000002 03020000`));
  checkVector(setattrOp, 'res', { status: 0, attrsset: [93] }, hex('00000000 00000003 00000000 00000000 20000000'));
  checkVector(setattrOp, 'res', { status: 10032, attrsset: [] }, hex('00002730 00000000'));
  checkVector(setattrOp, 'res', { status: 13, attrsset: [33] }, hex('0000000d 00000002 00000000 00000002'));
  // settime4 from the SETATTR arg decodes on the server side
  const t = encodeFattr({ timeModifySet: { how: 'server' }, mode: 0o600 });
  const args = dec(hex(`00000000 000000000000000000000000 00000002 00000000 00400002 00000008 00000180 00000000`), setattrOp.decodeArgs);
  assert.deepEqual(args.objAttributes, t);
  assert.deepEqual(decodeFattr(args.objAttributes), { mode: 0o600, timeModifySet: { how: 'server' } });
});

test('VERIFY (§18.31) and NVERIFY (§18.15)', () => {
  const size = encodeFattr({ size: 12n });
  checkVector(verifyOp, 'args', { objAttributes: size }, hex('00000001 00000010 00000008 00000000 0000000c'));
  checkVector(verifyOp, 'res', { status: 10027 }, hex('0000272b'));
  checkVector(nverifyOp, 'args', { objAttributes: size }, hex('00000001 00000010 00000008 00000000 0000000c'));
  checkVector(nverifyOp, 'res', { status: 10009 }, hex('00002719'));
  // attrlist4 length larger than what follows
  assert.throws(() => dec(hex('00000001 00000010 00000010 00000000 0000000c'), verifyOp.decodeArgs),
    (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_SHORT_BUFFER');
});
