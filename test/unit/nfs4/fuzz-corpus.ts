import { XdrWriter } from '../../../client/xdr/xdr-writer.js';
import { encodeCompound4Args, encodeCompound4Res, type NfsArgop } from '../../../client/nfs4/compound.js';
import { ANONYMOUS_STATEID, OP, READ_BYPASS_STATEID } from '../../../client/nfs4/constants.js';
import { encodeFattr } from '../../../client/nfs4/fattr.js';
import { NO_ARGS } from '../../../client/nfs4/op-codec.js';
import { hex } from './hex.js';

/**
 * Valid COMPOUND calls and replies covering every op codec and every union arm
 * the fuzz test mutates. Each reply records the ops it answers, as a client would.
 */
const SID = { seqid: 1, other: Buffer.alloc(12, 1) };
const SESSION = hex('000102030405060708090a0b0c0d0e0f');
const FATTR = encodeFattr({
  supportedAttrs: [0, 1, 3, 4, 20, 33, 93], type: 1, change: 9n, size: 5n, fileid: 7n, mode: 0o644, owner: 'root',
  ownerGroup: 'root', timeModify: { seconds: 1n, nseconds: 2 }, fsid: { major: 1n, minor: 2n }, ima: hex('0302aabb'),
  acl: [{ type: 0, flag: 0, accessMask: 1, who: 'OWNER@' }], rawdev: { specdata1: 1, specdata2: 2 },
});
const CA = { headerPadSize: 0, maxRequestSize: 1 << 20, maxResponseSize: 1 << 20, maxResponseSizeCached: 8192, maxOperations: 16, maxRequests: 8 };

const calls: NfsArgop[][] = [
  [
    { op: OP.EXCHANGE_ID, args: { clientOwner: { verifier: Buffer.alloc(8), ownerid: Buffer.from('me') }, flags: 1,
      stateProtect: { how: 1, machOps: { mustEnforce: [42], mustAllow: [] } }, clientImplId: { domain: 'd', name: 'n', date: { seconds: 0n, nseconds: 0 } } } },
  ],
  [{ op: OP.CREATE_SESSION, args: { clientid: 1n, sequence: 1, flags: 0, foreChanAttrs: CA, backChanAttrs: { ...CA, rdmaIrd: 1 }, cbProgram: 1,
    secParms: [{ flavor: 0 }, { flavor: 1, sys: { stamp: 1, machinename: 'h', uid: 0, gid: 0, gids: [1, 2] } }] } }],
  [
    { op: OP.SEQUENCE, args: { sessionid: SESSION, sequenceid: 1, slotid: 0, highestSlotid: 0, cachethis: false } },
    { op: OP.PUTROOTFH, args: NO_ARGS },
    { op: OP.LOOKUP, args: { objname: 'export' } },
    { op: OP.GETFH, args: NO_ARGS },
    { op: OP.GETATTR, args: { attrRequest: [0, 1, 3, 4, 20, 33, 93] } },
    { op: OP.ACCESS, args: { access: 0x3f } },
  ],
  [
    { op: OP.PUTFH, args: { object: hex('01020304') } },
    { op: OP.OPEN, args: { seqid: 0, shareAccess: 1, shareDeny: 0, owner: { clientid: 1n, owner: Buffer.from('o') },
      openhow: { opentype: 1, how: { mode: 3, createverf: Buffer.alloc(8), createattrs: FATTR } }, claim: { claim: 2, delegateStateid: SID, file: 'f' } } },
    { op: OP.READ, args: { stateid: READ_BYPASS_STATEID, offset: 0n, count: 4096 } },
    { op: OP.CLOSE, args: { seqid: 0, openStateid: SID } },
    { op: OP.SETATTR, args: { stateid: ANONYMOUS_STATEID, objAttributes: encodeFattr({ ima: hex('03'), timeModifySet: { how: 'client', time: { seconds: 1n, nseconds: 0 } } }) } },
    { op: OP.VERIFY, args: { objAttributes: FATTR } },
    { op: OP.NVERIFY, args: { objAttributes: FATTR } },
  ],
  [
    { op: OP.PUTPUBFH, args: NO_ARGS }, { op: OP.SAVEFH, args: NO_ARGS }, { op: OP.LOOKUPP, args: NO_ARGS },
    { op: OP.RESTOREFH, args: NO_ARGS }, { op: OP.READLINK, args: NO_ARGS }, { op: OP.SECINFO_NO_NAME, args: { style: 0 } },
    { op: OP.READDIR, args: { cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 1024, maxcount: 4096, attrRequest: [1, 4, 93] } },
    { op: OP.TEST_STATEID, args: { stateids: [SID, SID] } }, { op: OP.FREE_STATEID, args: { stateid: SID } },
    { op: OP.RECLAIM_COMPLETE, args: { oneFs: false } }, { op: OP.DESTROY_SESSION, args: { sessionid: SESSION } },
    { op: OP.DESTROY_CLIENTID, args: { clientid: 1n } },
  ],
  [
    { op: OP.SETCLIENTID, args: { client: { verifier: Buffer.alloc(8), ownerid: Buffer.from('c') }, callback: { program: 1, location: { netid: 'tcp', addr: '127.0.0.1.0.0' } }, callbackIdent: 1 } },
    { op: OP.SETCLIENTID_CONFIRM, args: { clientid: 1n, setclientidConfirm: Buffer.alloc(8) } },
    { op: OP.RENEW, args: { clientid: 1n } },
    { op: OP.OPEN, args: { seqid: 1, shareAccess: 1, shareDeny: 0, owner: { clientid: 1n, owner: Buffer.from('o') }, openhow: { opentype: 0 }, claim: { claim: 0, file: 'x' } } },
    { op: OP.OPEN_CONFIRM, args: { openStateid: SID, seqid: 2 } },
  ],
];

const ACE = { type: 0, flag: 0, accessMask: 1, who: 'OWNER@' };
const OPENOK = (delegation: unknown) => ({ status: 0, resok: { stateid: SID, cinfo: { atomic: true, before: 1n, after: 2n }, rflags: 4, attrset: [33], delegation } });
type LooseResop = { op: number; res: { status: number } & Record<string, unknown> };
const replies: { status: number; res: LooseResop[] }[] = [
  { status: 0, res: [{ op: OP.EXCHANGE_ID, res: { status: 0, resok: { clientid: 1n, sequenceid: 1, flags: 0x80020000,
    stateProtect: { how: 2, ssvInfo: { ops: { mustEnforce: [1], mustAllow: [2] }, hashAlg: 0, encrAlg: 0, ssvLen: 32, window: 1, handles: [hex('aa')] } },
    serverOwner: { minorId: 0n, majorId: Buffer.from('vm') }, serverScope: Buffer.from('vm'), serverImplId: { domain: 'd', name: 'n', date: { seconds: 0n, nseconds: 0 } } } } }] },
  { status: 0, res: [{ op: OP.EXCHANGE_ID, res: { status: 0, resok: { clientid: 2n, sequenceid: 1, flags: 0x80000000,
    stateProtect: { how: 0 }, serverOwner: { minorId: 1n, majorId: Buffer.from('srv') }, serverScope: Buffer.alloc(0) } } }] },
  { status: 0, res: [{ op: OP.CREATE_SESSION, res: { status: 0, resok: { sessionid: SESSION, sequence: 1, flags: 0, foreChanAttrs: CA, backChanAttrs: CA } } }] },
  { status: 0, res: [
    { op: OP.SEQUENCE, res: { status: 0, resok: { sessionid: SESSION, sequenceid: 1, slotid: 0, highestSlotid: 0, targetHighestSlotid: 63, statusFlags: 0 } } },
    { op: OP.PUTROOTFH, res: { status: 0 } },
    { op: OP.LOOKUP, res: { status: 0 } },
    { op: OP.GETFH, res: { status: 0, resok: { object: hex('0102030405060708') } } },
    { op: OP.GETATTR, res: { status: 0, resok: { objAttributes: FATTR } } },
    { op: OP.ACCESS, res: { status: 0, resok: { supported: 0x1f, access: 0x1f } } },
  ] },
  { status: 0, res: [
    { op: OP.PUTFH, res: { status: 0 } },
    { op: OP.OPEN, res: OPENOK({ type: 2, stateid: SID, recall: false, spaceLimit: { limitBy: 2, numBlocks: 1, bytesPerBlock: 512 }, permissions: ACE }) },
    { op: OP.READ, res: { status: 0, resok: { eof: true, data: Buffer.from('hello world') } } },
    { op: OP.CLOSE, res: { status: 0, resok: { openStateid: SID } } },
    { op: OP.SETATTR, res: { status: 0, attrsset: [93] } },
    { op: OP.VERIFY, res: { status: 0 } },
    { op: OP.NVERIFY, res: { status: 0 } },
  ] },
  { status: 0, res: [
    { op: OP.PUTPUBFH, res: { status: 0 } }, { op: OP.SAVEFH, res: { status: 0 } }, { op: OP.LOOKUPP, res: { status: 0 } },
    { op: OP.RESTOREFH, res: { status: 0 } }, { op: OP.READLINK, res: { status: 0, resok: { link: Buffer.from('target') } } },
    { op: OP.SECINFO_NO_NAME, res: { status: 0, resok: [{ flavor: 1 }, { flavor: 6, gss: { oid: hex('2a864886f712010202'), qop: 0, service: 1 } }] } },
    { op: OP.READDIR, res: { status: 0, resok: { cookieverf: Buffer.alloc(8), eof: true, entries: [
      { cookie: 1n, name: 'a', attrs: encodeFattr({ type: 1, size: 3n, ima: hex('0302') }) },
      { cookie: 2n, name: 'b', attrs: encodeFattr({ rdattrError: 13 }) },
      { cookie: 3n, name: 'c', attrs: FATTR }] } } },
    { op: OP.TEST_STATEID, res: { status: 0, resok: { statusCodes: [0, 10025] } } }, { op: OP.FREE_STATEID, res: { status: 0 } },
    { op: OP.RECLAIM_COMPLETE, res: { status: 0 } }, { op: OP.DESTROY_SESSION, res: { status: 0 } },
    { op: OP.DESTROY_CLIENTID, res: { status: 0 } },
  ] },
  { status: 10017, res: [{ op: OP.SETCLIENTID, res: { status: 10017, clientUsing: { netid: 'tcp', addr: '1.2.3.4.0.1' } } }] },
  { status: 0, res: [
    { op: OP.SETCLIENTID, res: { status: 0, resok: { clientid: 1n, setclientidConfirm: Buffer.alloc(8) } } },
    { op: OP.SETCLIENTID_CONFIRM, res: { status: 0 } }, { op: OP.RENEW, res: { status: 0 } },
    { op: OP.OPEN, res: OPENOK({ type: 1, stateid: SID, recall: true, permissions: ACE }) },
    { op: OP.OPEN_CONFIRM, res: { status: 0, resok: { openStateid: SID } } },
  ] },
  { status: 10044, res: [{ op: OP.PUTROOTFH, res: { status: 0 } }, { op: OP.ILLEGAL, res: { status: 10044 } }] },
  { status: 0, res: [{ op: OP.OPEN, res: OPENOK({ type: 3, why: 1, serverWillPushDeleg: true }) }] },
  { status: 10032, res: [{ op: OP.PUTFH, res: { status: 0 } }, { op: OP.SETATTR, res: { status: 10032, attrsset: [] } }] },
];

export interface CallSeed { bytes: Buffer }
export interface ReplySeed {
  bytes: Buffer;
  /** The ops a client sent for this reply (ILLEGAL stands for an op the server did not know). */
  sent: number[];
  /** The opnums in resarray. */
  resops: number[];
  /**
   * Wireshark 4.0 dissects ssv_prot_info4.spi_handles as one gsshandle4_t instead
   * of the array `gsshandle4_t spi_handles<>` of RFC 8881 §18.35.1, so it calls
   * the (correct) SP4_SSV reply malformed; that seed is kept out of the tshark check.
   */
  wiresharkMisreads: boolean;
}

export function callSeeds(): CallSeed[] {
  return calls.map((argarray) => {
    const w = new XdrWriter();
    encodeCompound4Args(w, { tag: 'fuzz', minorVersion: 1, argarray });
    return { bytes: w.finish() };
  });
}

export function replySeeds(): ReplySeed[] {
  return replies.map(({ status, res }) => {
    const w = new XdrWriter();
    encodeCompound4Res(w, { status, tag: 'fuzz', resarray: res });
    const sent = res.map((r) => r.op);
    if (sent.at(-1) === OP.ILLEGAL) sent[sent.length - 1] = 9999;
    const resops = res.map((r) => r.op);
    const ex = res[0].res.resok as { stateProtect?: { how: number } } | undefined;
    return { bytes: w.finish(), sent, resops, wiresharkMisreads: ex?.stateProtect?.how === 2 };
  });
}
