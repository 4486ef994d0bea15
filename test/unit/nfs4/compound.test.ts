import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { ProtocolError, UsageError, XdrError } from '../../../client/errors.js';
import {
  argop, decodeCompound4Args, decodeCompound4Res, encodeCompound4Args, encodeCompound4Res, resultAs,
} from '../../../client/nfs4/compound.js';
import { OP } from '../../../client/nfs4/constants.js';
import { decodeFattr, encodeFattr } from '../../../client/nfs4/fattr.js';
import { getattrOp, putrootfhOp, sequenceOp, type GetattrRes, type SequenceArgs } from '../../../client/nfs4/ops/index.js';
import { NO_ARGS } from '../../../client/nfs4/op-codec.js';
import { NFS4ERR } from '../../../client/nfs4/status.js';
import { enc, hex } from './hex.js';

const SID = '000102030405060708090a0b0c0d0e0f';
const seqArgs: SequenceArgs = { sessionid: hex(SID), sequenceid: 1, slotid: 0, highestSlotid: 0, cachethis: false };
const CALL = hex(`
  00000000 | 00000002 | 00000003
  00000035 ${SID} 00000001 00000000 00000000 00000000
  00000018
  00000009 00000003 00000013 00000000 20000000`);
const FATTR = '00000003 00000013 00000000 20000000 00000024 00000003 00000013 00000000 20000000 00000001 00000000 00000005 00000003 abcdef00';
const REPLY = hex(`
  00000000 | 00000000 | 00000003
  00000035 00000000 ${SID} 00000001 00000000 00000000 0000003f 00000000
  00000018 00000000
  00000009 00000000 ${FATTR}`);
const SENT = [OP.SEQUENCE, OP.PUTROOTFH, OP.GETATTR];

test('COMPOUND4args literal vector: SEQUENCE + PUTROOTFH + GETATTR', () => {
  const bytes = enc((w) => encodeCompound4Args(w, {
    tag: '', minorVersion: 2,
    argarray: [argop(sequenceOp, seqArgs), argop(putrootfhOp, NO_ARGS), argop(getattrOp, { attrRequest: [0, 1, 4, 93] })],
  }));
  assert.deepEqual(bytes, CALL);
  const d = decodeCompound4Args(new XdrReader(CALL));
  assert.equal(d.stop, undefined);
  assert.equal(d.trailingBytes, 0);
  assert.equal(d.minorVersion, 2);
  assert.deepEqual(d.argarray.map((a) => a.op), SENT);
  assert.deepEqual(d.argarray[0].args, seqArgs);
  assert.deepEqual(d.argarray[2].args, { attrRequest: [0, 1, 4, 93] });
});

test('COMPOUND4res literal vector decodes, typed, and re-encodes to the same bytes', () => {
  const res = decodeCompound4Res(new XdrReader(REPLY), SENT);
  assert.equal(res.status, 0);
  const seq = resultAs(sequenceOp, res.resarray[0]);
  assert.equal(seq.resok?.targetHighestSlotid, 63);
  const ga: GetattrRes = resultAs(getattrOp, res.resarray[2]);
  assert.ok(ga.resok);
  assert.deepEqual(decodeFattr(ga.resok.objAttributes), { supportedAttrs: [0, 1, 4, 93], type: 1, size: 5n, ima: hex('abcdef') });
  assert.deepEqual(enc((w) => encodeCompound4Res(w, res)), REPLY);
  assert.throws(() => resultAs(getattrOp, res.resarray[1]), ProtocolError);
});

test('server encodes a results list with the op it cannot serve', () => {
  const bytes = enc((w) => encodeCompound4Res(w, {
    status: NFS4ERR.OP_ILLEGAL, tag: 't',
    resarray: [{ op: OP.PUTROOTFH, res: { status: 0 } }, { op: OP.ILLEGAL, res: { status: NFS4ERR.OP_ILLEGAL } }],
  }));
  assert.deepEqual(bytes, hex('0000273c 00000001 74000000 00000002 00000018 00000000 0000273c 0000273c'));
  // a NOTSUPP answer for an op imafs has no codec for (WRITE = 38)
  const notsupp = enc((w) => encodeCompound4Res(w, { status: NFS4ERR.NOTSUPP, tag: '', resarray: [{ op: OP.WRITE, res: { status: NFS4ERR.NOTSUPP } }] }));
  assert.deepEqual(notsupp, hex('00002714 00000000 00000001 00000026 00002714'));
  // and the client accepts OP_ILLEGAL in place of what it sent
  const r = decodeCompound4Res(new XdrReader(bytes), [OP.PUTROOTFH, 9999]);
  assert.equal(r.resarray[1].op, OP.ILLEGAL);
  assert.throws(() => enc((w) => encodeCompound4Res(w, { status: 0, tag: '', resarray: [{ op: OP.WRITE, res: { status: 0 } }] })), UsageError);
});

function replyErr(bytes: Buffer, sent: number[], match: RegExp | string, cls: typeof ProtocolError | typeof XdrError = ProtocolError): void {
  assert.throws(() => decodeCompound4Res(new XdrReader(bytes), sent), (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    if (typeof match === 'string') assert.equal((e as XdrError).code, match);
    else assert.match((e as Error).message, match);
    return true;
  });
}

test('COMPOUND4res negative cases', () => {
  // result for the wrong op
  replyErr(hex('00000000 00000000 00000001 00000009 00000000 00000000 00000000'), [OP.PUTROOTFH], /GETATTR, but PUTROOTFH was sent/);
  // more results than ops sent
  replyErr(hex('00000000 00000000 00000002 00000018 00000000 00000018 00000000'), [OP.PUTROOTFH], /2 results for 1/);
  // results after a failed op
  replyErr(hex('00000002 00000000 00000002 00000018 00000002 00000018 00000000'), [OP.PUTROOTFH, OP.PUTROOTFH], /results follow/);
  // NFS4_OK with fewer results than ops
  replyErr(hex('00000000 00000000 00000001 00000018 00000000'), [OP.PUTROOTFH, OP.GETFH], /NFS4_OK with 1 of 2/);
  // status differs from the last result's
  replyErr(hex('0000000d 00000000 00000001 00000018 00000002'), [OP.PUTROOTFH], /differs/);
  // failure status although every op succeeded
  replyErr(hex('00000002 00000000 00000001 00000018 00000000'), [OP.PUTROOTFH], /every operation succeeded/);
  // trailing bytes, short buffer, bad tag padding, huge count
  replyErr(Buffer.concat([REPLY, hex('00000000')]), SENT, 'IMAFS_XDR_TRAILING_BYTES', XdrError);
  replyErr(REPLY.subarray(0, REPLY.length - 4), SENT, 'IMAFS_XDR_SHORT_BUFFER', XdrError);
  replyErr(hex('00000000 00000001 74000100 00000000'), [], 'IMAFS_XDR_BAD_PADDING', XdrError);
  replyErr(hex('00000000 00000000 7fffffff 00000018'), [OP.PUTROOTFH], 'IMAFS_XDR_SHORT_BUFFER', XdrError);
  replyErr(hex('00000000 00000800'), [], 'IMAFS_XDR_TOO_LONG', XdrError);
  // MINOR_VERS_MISMATCH carries no results and is accepted as a value
  const mvm = decodeCompound4Res(new XdrReader(hex('00002725 00000000 00000000')), SENT);
  assert.equal(mvm.status, NFS4ERR.MINOR_VERS_MISMATCH);
  assert.equal(mvm.resarray.length, 0);
});

test('COMPOUND4args server decode stops and reports: unknown op, bad args, too many ops, trailing', () => {
  const unknown = decodeCompound4Args(new XdrReader(hex('00000000 00000001 00000003 00000018 00000026 00000000 00000018')));
  assert.deepEqual(unknown.argarray.map((a) => a.op), [OP.PUTROOTFH]);
  assert.deepEqual(unknown.stop, { index: 1, opnum: 38, reason: 'unknown-op' });
  assert.equal(unknown.declaredOps, 3);

  const illegal = decodeCompound4Args(new XdrReader(hex('00000000 00000001 00000001 0000273c')));
  assert.deepEqual(illegal.stop, { index: 0, opnum: OP.ILLEGAL, reason: 'unknown-op' });

  const bad = decodeCompound4Args(new XdrReader(hex('00000000 00000001 00000002 00000018 00000016 00000081 00000000')));
  assert.equal(bad.stop?.reason, 'bad-args');
  assert.equal(bad.stop?.opnum, OP.PUTFH);
  assert.equal(bad.stop?.error?.code, 'IMAFS_XDR_TOO_LONG');

  const many = Buffer.concat([hex('00000000 00000001 00000005'), hex('00000018'.repeat(5))]);
  const tm = decodeCompound4Args(new XdrReader(many), { maxOps: 3 });
  assert.equal(tm.argarray.length, 3);
  assert.deepEqual(tm.stop, { index: 3, opnum: 0, reason: 'too-many-ops' });

  const trailing = decodeCompound4Args(new XdrReader(hex('00000000 00000001 00000001 00000018 00000000')));
  assert.equal(trailing.trailingBytes, 4);

  assert.throws(() => decodeCompound4Args(new XdrReader(hex('00000000 00000001 00000100 00000018'))), XdrError);
  assert.throws(() => decodeCompound4Args(new XdrReader(hex('00000000 00000001'))), XdrError);
  assert.throws(() => decodeCompound4Args(new XdrReader(hex('')), { maxOps: 5000 }), UsageError);
});

test('client refuses to encode more ops than the limit or an op without a codec', () => {
  const ops = Array.from({ length: 4 }, () => argop(putrootfhOp, NO_ARGS));
  assert.throws(() => enc((w) => encodeCompound4Args(w, { tag: '', minorVersion: 1, argarray: ops }, { maxOps: 3 })),
    (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
  assert.throws(() => enc((w) => encodeCompound4Args(w, { tag: '', minorVersion: 1, argarray: [{ op: OP.WRITE, args: {} }] })), UsageError);
  const raw = encodeFattr({ size: 1n });
  assert.deepEqual(raw.attrmask, [4]);
});

test('every corpus call and reply (all codecs, all union arms) re-encodes to the same bytes', async () => {
  const { callSeeds, replySeeds } = await import('./fuzz-corpus.js');
  for (const s of callSeeds()) {
    const d = decodeCompound4Args(new XdrReader(s.bytes));
    assert.equal(d.stop, undefined);
    assert.deepEqual(enc((w) => encodeCompound4Args(w, d)), s.bytes);
  }
  for (const s of replySeeds()) {
    const d = decodeCompound4Res(new XdrReader(s.bytes), s.sent);
    assert.deepEqual(d.resarray.map((x) => x.op), s.resops);
    assert.deepEqual(enc((w) => encodeCompound4Res(w, d)), s.bytes);
  }
});
