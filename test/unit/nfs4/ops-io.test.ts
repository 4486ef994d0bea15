import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { XdrError } from '../../../client/errors.js';
import {
  CLAIM_DELEG_CUR_FH, CLAIM_DELEG_PREV_FH, CLAIM_DELEGATE_CUR, CLAIM_DELEGATE_PREV, CLAIM_FH, CLAIM_NULL, CLAIM_PREVIOUS,
  EXCLUSIVE4, EXCLUSIVE4_1, GUARDED4, READ_BYPASS_STATEID, UNCHECKED4,
} from '../../../client/nfs4/constants.js';
import { decodeFattr, EMPTY_FATTR, encodeFattr } from '../../../client/nfs4/fattr.js';
import { closeOp, openOp, readdirOp, readOp, type OpenArgs, type OpenRes } from '../../../client/nfs4/ops/index.js';
import { checkVector, dec, hex } from './hex.js';

const SID1 = { seqid: 1, other: Buffer.alloc(12, 1) };
const SID1_HEX = '00000001 010101010101010101010101';
const OWNER = { clientid: 1n, owner: Buffer.from('o1') };
const OWNER_HEX = '0000000000000001 00000002 6f310000';
const base = { seqid: 0, shareAccess: 1, shareDeny: 0, owner: OWNER };
const BASE_HEX = `00000000 00000001 00000000 ${OWNER_HEX}`;

test('OPEN args (RFC 8881 §18.16): every claim arm', () => {
  const nocreate = { opentype: 0 } as const;
  const cases: [OpenArgs['claim'], string][] = [
    [{ claim: CLAIM_NULL, file: 'f' }, '00000000 00000001 66000000'],
    [{ claim: CLAIM_PREVIOUS, delegateType: 1 }, '00000001 00000001'],
    [{ claim: CLAIM_DELEGATE_CUR, delegateStateid: SID1, file: 'f' }, `00000002 ${SID1_HEX} 00000001 66000000`],
    [{ claim: CLAIM_DELEGATE_PREV, file: 'f' }, '00000003 00000001 66000000'],
    [{ claim: CLAIM_FH }, '00000004'],
    [{ claim: CLAIM_DELEG_CUR_FH, delegateStateid: SID1 }, `00000005 ${SID1_HEX}`],
    [{ claim: CLAIM_DELEG_PREV_FH }, '00000006'],
  ];
  for (const [claim, h] of cases) checkVector(openOp, 'args', { ...base, openhow: nocreate, claim }, hex(`${BASE_HEX} 00000000 ${h}`));
  assert.throws(() => dec(hex(`${BASE_HEX} 00000000 00000007`), openOp.decodeArgs), XdrError);
  assert.throws(() => dec(hex(`${BASE_HEX} 00000002 00000004`), openOp.decodeArgs), XdrError); // opentype4 2
  assert.throws(() => dec(hex(`${BASE_HEX} 00000000 00000001 00000004`), openOp.decodeArgs), XdrError); // delegate_type 4
});

test('OPEN args: createhow4 UNCHECKED4/GUARDED4 with createattrs, EXCLUSIVE4, EXCLUSIVE4_1', () => {
  const mode = encodeFattr({ mode: 0o644 });
  const MODE_HEX = '00000002 00000000 00000002 00000004 000001a4';
  const verf = hex('0102030405060708');
  const cases: [OpenArgs['openhow'], string][] = [
    [{ opentype: 1, how: { mode: UNCHECKED4, createattrs: mode } }, `00000001 00000000 ${MODE_HEX}`],
    [{ opentype: 1, how: { mode: GUARDED4, createattrs: mode } }, `00000001 00000001 ${MODE_HEX}`],
    [{ opentype: 1, how: { mode: EXCLUSIVE4, createverf: verf } }, '00000001 00000002 0102030405060708'],
    [{ opentype: 1, how: { mode: EXCLUSIVE4_1, createverf: verf, createattrs: EMPTY_FATTR } }, '00000001 00000003 0102030405060708 00000000 00000000'],
  ];
  for (const [openhow, h] of cases) {
    checkVector(openOp, 'args', { ...base, openhow, claim: { claim: CLAIM_NULL, file: 'f' } }, hex(`${BASE_HEX} ${h} 00000000 00000001 66000000`));
  }
  // the server sees FATTR4_IMA in createattrs (draft §4.3.1: NFS4ERR_INVAL)
  const withIma = dec(hex(`${BASE_HEX} 00000001 00000001 00000003 00000000 00000000 20000000 00000008 00000001 aa000000 00000004`), openOp.decodeArgs);
  assert.equal(withIma.openhow.opentype, 1);
  if (withIma.openhow.opentype === 1 && withIma.openhow.how.mode === GUARDED4) {
    assert.deepEqual(decodeFattr(withIma.openhow.how.createattrs), { ima: hex('aa') });
  } else assert.fail('GUARDED4 expected');
  assert.throws(() => dec(hex(`${BASE_HEX} 00000001 00000004`), openOp.decodeArgs), XdrError); // createmode4 4
});

test('OPEN res: open_delegation4 arms, change_info4, rflags, attrset', () => {
  const head = `00000000 ${SID1_HEX} 00000001 0000000000000001 0000000000000002 00000004 00000000`;
  const ok = (delegation: NonNullable<OpenRes['resok']>['delegation']): OpenRes => ({
    status: 0,
    resok: { stateid: SID1, cinfo: { atomic: true, before: 1n, after: 2n }, rflags: 4, attrset: [], delegation },
  });
  const ACE = '00000000 00000000 00000001 00000006 4f574e45 52400000';
  const ace = { type: 0, flag: 0, accessMask: 1, who: 'OWNER@' };
  checkVector(openOp, 'res', ok({ type: 0 }), hex(`${head} 00000000`));
  checkVector(openOp, 'res', ok({ type: 1, stateid: SID1, recall: false, permissions: ace }), hex(`${head} 00000001 ${SID1_HEX} 00000000 ${ACE}`));
  checkVector(openOp, 'res', ok({ type: 2, stateid: SID1, recall: true, spaceLimit: { limitBy: 1, filesize: 4096n }, permissions: ace }),
    hex(`${head} 00000002 ${SID1_HEX} 00000001 00000001 0000000000001000 ${ACE}`));
  checkVector(openOp, 'res', ok({ type: 2, stateid: SID1, recall: false, spaceLimit: { limitBy: 2, numBlocks: 16, bytesPerBlock: 512 }, permissions: ace }),
    hex(`${head} 00000002 ${SID1_HEX} 00000000 00000002 00000010 00000200 ${ACE}`));
  checkVector(openOp, 'res', ok({ type: 3, why: 0 }), hex(`${head} 00000003 00000000`));
  checkVector(openOp, 'res', ok({ type: 3, why: 1, serverWillPushDeleg: true }), hex(`${head} 00000003 00000001 00000001`));
  checkVector(openOp, 'res', ok({ type: 3, why: 2, serverWillSignalAvail: false }), hex(`${head} 00000003 00000002 00000000`));
  checkVector(openOp, 'res', { status: 10015 }, hex('0000271f'));
  assert.throws(() => dec(hex(`${head} 00000004`), openOp.decodeRes), XdrError);
  assert.throws(() => dec(hex(`${head} 00000002 ${SID1_HEX} 00000000 00000003`), openOp.decodeRes), XdrError); // limit_by4 3
});

test('READ (§18.22): args, result, and data as a zero-copy view', () => {
  checkVector(readOp, 'args', { stateid: READ_BYPASS_STATEID, offset: 0x10000n, count: 4096 },
    hex('ffffffff ffffffffffffffffffffffff 0000000000010000 00001000'));
  checkVector(readOp, 'res', { status: 0, resok: { eof: true, data: Buffer.from('hello') } }, hex('00000000 00000001 00000005 68656c6c 6f000000'));
  checkVector(readOp, 'res', { status: 0, resok: { eof: false, data: Buffer.alloc(0) } }, hex('00000000 00000000 00000000'));
  const big = Buffer.concat([hex('00000000 00000000 00010000'), Buffer.alloc(65536, 0x5a)]);
  const r = new XdrReader(big);
  const res = readOp.decodeRes(r);
  assert.equal(res.resok?.data.length, 65536);
  assert.equal(res.resok?.data.buffer, big.buffer, 'READ data must be a view of the record, not a copy');
  assert.equal(res.resok?.data.byteOffset, big.byteOffset + 12);
  assert.throws(() => dec(hex('00000000 00000001 00000005 68656c6c 6f000100'), readOp.decodeRes),
    (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_BAD_PADDING');
  assert.throws(() => dec(hex('00000000 00000001 ffffffff'), readOp.decodeRes),
    (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
});

test('CLOSE (§18.2)', () => {
  checkVector(closeOp, 'args', { seqid: 0, openStateid: SID1 }, hex(`00000000 ${SID1_HEX}`));
  checkVector(closeOp, 'res', { status: 0, resok: { openStateid: SID1 } }, hex(`00000000 ${SID1_HEX}`));
  checkVector(closeOp, 'res', { status: 10025 }, hex('00002729'));
});

test('READDIR (§18.23): args, entry4 list, empty directory, raw attrs per entry', () => {
  checkVector(readdirOp, 'args', { cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 8192, maxcount: 32768, attrRequest: [1, 4] },
    hex('0000000000000000 0000000000000000 00002000 00008000 00000001 00000012'));
  const entries = [
    { cookie: 3n, name: 'a', attrs: encodeFattr({ type: 1 }) },
    { cookie: 4n, name: 'bb', attrs: encodeFattr({ type: 2 }) },
  ];
  checkVector(readdirOp, 'res', { status: 0, resok: { cookieverf: hex('0102030405060708'), entries, eof: true } }, hex(`
    00000000 0102030405060708
    00000001 0000000000000003 00000001 61000000 00000001 00000002 00000004 00000001
    00000001 0000000000000004 00000002 62620000 00000001 00000002 00000004 00000002
    00000000 00000001`));
  checkVector(readdirOp, 'res', { status: 0, resok: { cookieverf: Buffer.alloc(8), entries: [], eof: false } },
    hex('00000000 0000000000000000 00000000 00000000'));
  checkVector(readdirOp, 'res', { status: 10003 }, hex('00002713'));
  // an entry with rdattr_error only: the caller decodes it and sees the error
  const errEntry = dec(hex('00000000 0000000000000000 00000001 0000000000000001 00000001 78000000 00000001 00000800 00000004 0000000d 00000000 00000001'), readdirOp.decodeRes);
  assert.deepEqual(decodeFattr(errEntry.resok!.entries[0].attrs), { rdattrError: 13 });
  // entry4 *nextentry must be a bool
  assert.throws(() => dec(hex('00000000 0000000000000000 00000002'), readdirOp.decodeRes), XdrError);
});

test('READDIR sizes: encodedEntry4Size + READDIR_RES_OVERHEAD equal the encoded reply length', async () => {
  const { encodedEntry4Size, READDIR_RES_OVERHEAD } = await import('../../../client/nfs4/ops/readdir.js');
  const { enc } = await import('./hex.js');
  const entries = [
    { cookie: 1n, name: 'a', attrs: encodeFattr({ type: 1 }) },
    { cookie: 2n, name: 'héllo wörld', attrs: encodeFattr({ type: 1, size: 3n, ima: Buffer.alloc(37) }) },
    { cookie: 3n, name: 'abcd', attrs: EMPTY_FATTR },
  ];
  const bytes = enc((w) => readdirOp.encodeRes(w, { status: 0, resok: { cookieverf: Buffer.alloc(8), entries, eof: true } }));
  assert.equal(bytes.length, READDIR_RES_OVERHEAD + entries.reduce((n, e) => n + encodedEntry4Size(e), 0));
});
