/**
 * ONC RPC call handling for program 100003 version 4 (RFC 5531 §9, RFC 8881
 * §16): NULL and COMPOUND. Everything that is not a well-formed call to them
 * gets the reply RFC 5531 prescribes, and never affects other calls:
 *
 *   rpcvers != 2              MSG_DENIED  RPC_MISMATCH (2..2)
 *   credential not NONE/SYS   MSG_DENIED  AUTH_ERROR AUTH_BADCRED
 *   bad AUTH_SYS body         MSG_DENIED  AUTH_ERROR AUTH_BADCRED
 *   prog != 100003            MSG_ACCEPTED PROG_UNAVAIL
 *   vers != 4                 MSG_ACCEPTED PROG_MISMATCH (4..4)
 *   proc not 0/1              MSG_ACCEPTED PROC_UNAVAIL
 *   COMPOUND header garbage   MSG_ACCEPTED GARBAGE_ARGS
 *
 * A record too short to hold an xid, or that is not a CALL, is dropped:
 * there is nothing a reply could be matched with.
 */
import util from 'node:util';
import { AUTH_NONE, AUTH_SYS, parseAuthSys } from '../client/rpc/auth.js';
import {
  AUTH_ERROR, GARBAGE_ARGS, MSG_ACCEPTED, MSG_CALL, MSG_DENIED, MSG_REPLY, PROC_UNAVAIL, PROG_MISMATCH, PROG_UNAVAIL,
  RPC_MISMATCH, RPC_VERSION, SUCCESS, decodeCall, encodeReply, type ReplyHeader,
} from '../client/rpc/rpc-message.js';
import { NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND, NFSPROC4_NULL } from '../client/nfs4/constants.js';
import { XdrReader } from '../client/xdr/xdr-reader.js';
import { XdrWriter } from '../client/xdr/xdr-writer.js';
import type { PeerInfo } from './connection.js';
import { runCompound } from './compound/compound-loop.js';
import type { Credentials } from './compound/op-context.js';
import type { HandlerTable } from './compound/op-handler.js';
import type { ServerCore } from './server-core.js';

const debug = util.debuglog('imafs:server');
const AUTH_BADCRED = 1;
const NONE_VERF = { flavor: AUTH_NONE, body: Buffer.alloc(0) };

function reply(h: ReplyHeader, body: Buffer[] = []): Buffer[] {
  const w = new XdrWriter(32);
  encodeReply(w, h);
  return [...w.chunks(), ...body];
}

/** MSG_ACCEPTED, AUTH_NONE verifier, SUCCESS after the xid: every COMPOUND reply's header. */
const SUCCESS_TAIL = Buffer.from([0, 0, 0, MSG_REPLY, 0, 0, 0, MSG_ACCEPTED, 0, 0, 0, AUTH_NONE, 0, 0, 0, 0, 0, 0, 0, SUCCESS]);

function accepted(xid: number, stat: number, body: Buffer[] = []): Buffer[] {
  if (stat === SUCCESS) {
    // RFC 5531 §9 reply header, the same bytes encodeReply writes, without a writer per reply.
    const h = Buffer.allocUnsafe(24);
    h.writeUInt32BE(xid, 0);
    SUCCESS_TAIL.copy(h, 4);
    body.unshift(h);
    return body;
  }
  if (stat === PROG_MISMATCH) return reply({ xid, replyStat: MSG_ACCEPTED, verf: NONE_VERF, accepted: { stat, low: NFS_V4, high: NFS_V4 } });
  return reply({ xid, replyStat: MSG_ACCEPTED, verf: NONE_VERF, accepted: { stat } as never }, body);
}

/**
 * The last AUTH_SYS credential decoded, by its exact bytes: a client sends
 * the same body with every call, and decoding it (machine name, gid list)
 * each time was a visible part of a small COMPOUND. Credentials are never
 * modified, so one object may serve many calls.
 */
let lastSys: { body: Buffer; cred: Credentials } | undefined;

function credentials(flavor: number, body: Buffer): Credentials | undefined {
  if (flavor === AUTH_NONE) return { flavor, uid: undefined, gid: undefined, gids: [], machinename: '' };
  if (flavor !== AUTH_SYS) return undefined;
  if (lastSys !== undefined && lastSys.body.equals(body)) return lastSys.cred;
  try {
    const p = parseAuthSys({ flavor, body });
    const cred: Credentials = Object.freeze({ flavor, uid: p.uid, gid: p.gid, gids: Object.freeze(p.gids), machinename: p.machinename });
    lastSys = { body: Buffer.from(body), cred };
    return cred;
  } catch {
    return undefined;
  }
}

export interface DispatchOptions {
  core: ServerCore;
  handlers: HandlerTable;
  maxReply: number;
}

export interface RpcReply {
  chunks: Buffer[];
  /** Called once the reply is written or dropped. */
  afterReply?: () => void;
}

/** One record in, its reply out: a single async function (no promise per layer). */
export async function dispatchRecord(o: DispatchOptions, record: Buffer, peer: PeerInfo): Promise<RpcReply | undefined> {
  if (record.length < 8) return undefined;
  const xid = record.readUInt32BE(0);
  if (record.readUInt32BE(4) !== MSG_CALL) return undefined;
  const r = new XdrReader(record);
  let call;
  try {
    call = decodeCall(r);
  } catch (err) {
    debug('xid %d: undecodable call header: %s', xid, (err as Error).message);
    return { chunks: accepted(xid, GARBAGE_ARGS) };
  }
  if (call.rpcvers !== RPC_VERSION) {
    return { chunks: reply({ xid, replyStat: MSG_DENIED, rejected: { stat: RPC_MISMATCH, low: RPC_VERSION, high: RPC_VERSION } }) };
  }
  const cred = credentials(call.cred.flavor, call.cred.body);
  if (!cred) {
    o.core.log(`refused call from ${peer.addr}:${peer.port}: credential flavor ${call.cred.flavor} not accepted (AUTH_NONE or AUTH_SYS)`);
    return { chunks: reply({ xid, replyStat: MSG_DENIED, rejected: { stat: AUTH_ERROR, authStat: AUTH_BADCRED } }) };
  }
  if (call.prog !== NFS4_PROGRAM) return { chunks: accepted(xid, PROG_UNAVAIL) };
  if (call.vers !== NFS_V4) return { chunks: accepted(xid, PROG_MISMATCH) };
  if (call.proc === NFSPROC4_NULL) return { chunks: accepted(xid, SUCCESS) };
  if (call.proc !== NFSPROC4_COMPOUND) return { chunks: accepted(xid, PROC_UNAVAIL) };
  const res = await runCompound({ core: o.core, handlers: o.handlers, peer, cred, r, requestSize: record.length, maxReply: o.maxReply });
  if (res === 'garbage') return { chunks: accepted(xid, GARBAGE_ARGS) };
  const after = res.afterReply;
  return { chunks: accepted(xid, SUCCESS, res.chunks), afterReply: after.length ? () => { for (const f of after) f(); } : undefined };
}
