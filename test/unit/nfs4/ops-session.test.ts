import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrError } from '../../../client/errors.js';
import { SP4_MACH_CRED, SP4_NONE, SP4_SSV } from '../../../client/nfs4/constants.js';
import {
  createSessionOp, destroyClientidOp, destroySessionOp, exchangeIdOp, freeStateidOp, reclaimCompleteOp,
  secinfoNoNameOp, sequenceOp, testStateidOp, type ExchangeIdRes,
} from '../../../client/nfs4/ops/index.js';
import { checkVector, dec, enc, hex } from './hex.js';

const SID = '000102030405060708090a0b0c0d0e0f';

test('EXCHANGE_ID args (RFC 8881 §18.35) with SP4_NONE and one nfs_impl_id4', () => {
  checkVector(exchangeIdOp, 'args', {
    clientOwner: { verifier: hex('0102030405060708'), ownerid: Buffer.from('abc') },
    flags: 0, stateProtect: { how: SP4_NONE },
    clientImplId: { domain: 'd', name: 'n', date: { seconds: 1n, nseconds: 2 } },
  }, hex(`0102030405060708 00000003 61626300 | 00000000 | 00000000 |
          00000001 00000001 64000000 00000001 6e000000 00000000 00000001 00000002`));
  // SP4_MACH_CRED arm: two bitmap4 of op numbers; no impl id
  checkVector(exchangeIdOp, 'args', {
    clientOwner: { verifier: hex('0000000000000000'), ownerid: Buffer.alloc(0) },
    flags: 0x1, stateProtect: { how: SP4_MACH_CRED, machOps: { mustEnforce: [42, 43], mustAllow: [] } },
  }, hex('0000000000000000 00000000 | 00000001 | 00000001 00000002 00000000 00000c00 00000000 | 00000000'));
  // nfs_impl_id4<1>: two entries is over the limit; unknown state_protect_how4 is malformed
  assert.throws(() => dec(hex('0000000000000000 00000000 00000000 00000000 00000002'), exchangeIdOp.decodeArgs), XdrError);
  assert.throws(() => dec(hex('0000000000000000 00000000 00000000 00000003 00000000'), exchangeIdOp.decodeArgs), XdrError);
  // co_ownerid<1024>
  assert.throws(() => dec(hex('0000000000000000 00000401'), exchangeIdOp.decodeArgs),
    (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
});

test('EXCHANGE_ID res: resok, SP4_SSV arm, error', () => {
  checkVector(exchangeIdOp, 'res', {
    status: 0,
    resok: {
      clientid: 0x1122334455667788n, sequenceid: 1, flags: 0x80020000, stateProtect: { how: SP4_NONE },
      serverOwner: { minorId: 5n, majorId: Buffer.from('vm') }, serverScope: Buffer.from('vm'),
    },
  }, hex(`00000000 1122334455667788 00000001 80020000 00000000 0000000000000005 00000002 766d0000
          00000002 766d0000 00000000`));
  const ssv: ExchangeIdRes = {
    status: 0,
    resok: {
      clientid: 1n, sequenceid: 2, flags: 0, serverOwner: { minorId: 0n, majorId: Buffer.alloc(0) }, serverScope: Buffer.alloc(0),
      stateProtect: { how: SP4_SSV, ssvInfo: { ops: { mustEnforce: [], mustAllow: [1] }, hashAlg: 1, encrAlg: 2, ssvLen: 32, window: 4, handles: [hex('aa')] } },
      serverImplId: { domain: 'kernel.org', name: 'ganesha', date: { seconds: 0n, nseconds: 0 } },
    },
  };
  const bytes = enc((w) => exchangeIdOp.encodeRes(w, ssv));
  assert.deepEqual(dec(bytes, exchangeIdOp.decodeRes), ssv);
  checkVector(exchangeIdOp, 'res', { status: 10017 }, hex('00002721'));
});

test('CREATE_SESSION args and res (RFC 8881 §18.36) with callback_sec_parms4 arms', () => {
  checkVector(createSessionOp, 'args', {
    clientid: 1n, sequence: 1, flags: 2,
    foreChanAttrs: { headerPadSize: 0, maxRequestSize: 1049620, maxResponseSize: 1049480, maxResponseSizeCached: 8192, maxOperations: 16, maxRequests: 8 },
    backChanAttrs: { headerPadSize: 0, maxRequestSize: 4096, maxResponseSize: 4096, maxResponseSizeCached: 0, maxOperations: 2, maxRequests: 1 },
    cbProgram: 0x40000000,
    secParms: [{ flavor: 0 }, { flavor: 1, sys: { stamp: 7, machinename: 'h', uid: 0, gid: 0, gids: [10] } }],
  }, hex(`0000000000000001 00000001 00000002
          00000000 00100414 00100388 00002000 00000010 00000008 00000000
          00000000 00001000 00001000 00000000 00000002 00000001 00000000
          40000000 00000002 00000000 00000001 00000007 00000001 68000000 00000000 00000000 00000001 0000000a`));
  checkVector(createSessionOp, 'res', {
    status: 0,
    resok: {
      sessionid: hex(SID), sequence: 1, flags: 0,
      foreChanAttrs: { headerPadSize: 0, maxRequestSize: 1, maxResponseSize: 2, maxResponseSizeCached: 3, maxOperations: 4, maxRequests: 5, rdmaIrd: 6 },
      backChanAttrs: { headerPadSize: 0, maxRequestSize: 0, maxResponseSize: 0, maxResponseSizeCached: 0, maxOperations: 0, maxRequests: 0 },
    },
  }, hex(`00000000 ${SID} 00000001 00000000
          00000000 00000001 00000002 00000003 00000004 00000005 00000001 00000006
          00000000 00000000 00000000 00000000 00000000 00000000 00000000`));
  // RPCSEC_GSS arm round-trips; an unknown flavor has no arm (no default): malformed
  const gss = { flavor: 6, gss: { service: 1, handleFromServer: hex('01'), handleFromClient: hex('0203') } } as const;
  const a = { clientid: 0n, sequence: 0, flags: 0, cbProgram: 0, secParms: [gss],
    foreChanAttrs: { headerPadSize: 0, maxRequestSize: 0, maxResponseSize: 0, maxResponseSizeCached: 0, maxOperations: 0, maxRequests: 0 },
    backChanAttrs: { headerPadSize: 0, maxRequestSize: 0, maxResponseSize: 0, maxResponseSizeCached: 0, maxOperations: 0, maxRequests: 0 } };
  const bytes = enc((w) => createSessionOp.encodeArgs(w, a));
  assert.deepEqual(dec(bytes, createSessionOp.decodeArgs), a);
  const bad = Buffer.from(bytes); bad.writeUInt32BE(5, bytes.length - 4 * 6); // flavor word of the only sec parm
  assert.throws(() => dec(bad, createSessionOp.decodeArgs), XdrError);
  // ca_rdma_ird<1>
  assert.throws(() => dec(hex(`00000000 ${SID} 00000001 00000000 00000000 00000001 00000002 00000003 00000004 00000005 00000002 00000006 00000007`),
    createSessionOp.decodeRes), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
});

test('SEQUENCE, DESTROY_SESSION, RECLAIM_COMPLETE, DESTROY_CLIENTID', () => {
  checkVector(sequenceOp, 'args', { sessionid: hex(SID), sequenceid: 7, slotid: 1, highestSlotid: 3, cachethis: true },
    hex(`${SID} 00000007 00000001 00000003 00000001`));
  checkVector(sequenceOp, 'res', {
    status: 0, resok: { sessionid: hex(SID), sequenceid: 7, slotid: 1, highestSlotid: 3, targetHighestSlotid: 2, statusFlags: 0x100 },
  }, hex(`00000000 ${SID} 00000007 00000001 00000003 00000002 00000100`));
  checkVector(sequenceOp, 'res', { status: 10052 }, hex('00002744'));
  assert.throws(() => dec(hex(`${SID} 00000007 00000001 00000003 00000002`), sequenceOp.decodeArgs), XdrError); // cachethis bool 2
  checkVector(destroySessionOp, 'args', { sessionid: hex(SID) }, hex(SID));
  checkVector(destroySessionOp, 'res', { status: 0 }, hex('00000000'));
  checkVector(reclaimCompleteOp, 'args', { oneFs: true }, hex('00000001'));
  checkVector(reclaimCompleteOp, 'res', { status: 10054 }, hex('00002746'));
  checkVector(destroyClientidOp, 'args', { clientid: 0x1122334455667788n }, hex('1122334455667788'));
  checkVector(destroyClientidOp, 'res', { status: 10074 }, hex('0000275a'));
});

test('SECINFO_NO_NAME (RFC 8881 §18.45), TEST_STATEID (§18.48), FREE_STATEID (§18.38)', () => {
  checkVector(secinfoNoNameOp, 'args', { style: 1 }, hex('00000001'));
  assert.throws(() => dec(hex('00000002'), secinfoNoNameOp.decodeArgs), XdrError);
  checkVector(secinfoNoNameOp, 'res', {
    status: 0, resok: [{ flavor: 1 }, { flavor: 6, gss: { oid: hex('2a864886f712010202'), qop: 0, service: 1 } }],
  }, hex('00000000 00000002 00000001 00000006 00000009 2a864886 f7120102 02000000 00000000 00000001'));
  const sid = { seqid: 1, other: hex('0a0a0a0a0a0a0a0a0a0a0a0a') };
  checkVector(testStateidOp, 'args', { stateids: [sid] }, hex('00000001 00000001 0a0a0a0a0a0a0a0a0a0a0a0a'));
  checkVector(testStateidOp, 'res', { status: 0, resok: { statusCodes: [0, 10025] } }, hex('00000000 00000002 00000000 00002729'));
  checkVector(freeStateidOp, 'args', { stateid: sid }, hex('00000001 0a0a0a0a0a0a0a0a0a0a0a0a'));
  checkVector(freeStateidOp, 'res', { status: 10046 }, hex('0000273e'));
});
