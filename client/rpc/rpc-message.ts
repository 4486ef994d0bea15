import { RpcError, XdrError } from '../errors.js';
import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';

/**
 * ONC RPC v2 message headers, RFC 5531 §9, in both directions: the client
 * encodes calls and decodes replies; `imafs serve` decodes calls and encodes
 * replies with the same code.
 *
 *   enum msg_type { CALL = 0, REPLY = 1 };
 *   enum reply_stat { MSG_ACCEPTED = 0, MSG_DENIED = 1 };
 *   enum accept_stat { SUCCESS = 0, PROG_UNAVAIL = 1, PROG_MISMATCH = 2,
 *                      PROC_UNAVAIL = 3, GARBAGE_ARGS = 4, SYSTEM_ERR = 5 };
 *   enum reject_stat { RPC_MISMATCH = 0, AUTH_ERROR = 1 };
 *   struct opaque_auth { auth_flavor flavor; opaque body<400>; };
 */

export const MSG_CALL = 0;
export const MSG_REPLY = 1;
export const RPC_VERSION = 2;

export const MSG_ACCEPTED = 0;
export const MSG_DENIED = 1;

export const SUCCESS = 0;
export const PROG_UNAVAIL = 1;
export const PROG_MISMATCH = 2;
export const PROC_UNAVAIL = 3;
export const GARBAGE_ARGS = 4;
export const SYSTEM_ERR = 5;

export const RPC_MISMATCH = 0;
export const AUTH_ERROR = 1;

/** RFC 5531 §9 auth_stat names, for messages. */
export const AUTH_STAT_NAMES: Readonly<Record<number, string>> = {
  0: 'AUTH_OK', 1: 'AUTH_BADCRED', 2: 'AUTH_REJECTEDCRED', 3: 'AUTH_BADVERF', 4: 'AUTH_REJECTEDVERF',
  5: 'AUTH_TOOWEAK', 6: 'AUTH_INVALIDRESP', 7: 'AUTH_FAILED', 8: 'AUTH_KERB_GENERIC', 9: 'AUTH_TIMEEXPIRE',
  10: 'AUTH_TKT_FILE', 11: 'AUTH_DECODE', 12: 'AUTH_NET_ADDR', 13: 'RPCSEC_GSS_CREDPROBLEM', 14: 'RPCSEC_GSS_CTXPROBLEM',
};

export const MAX_AUTH_BYTES = 400;

export interface OpaqueAuth {
  flavor: number;
  body: Buffer;
}

/** RFC 5531 §8.2: opaque_auth, the body at most 400 bytes. */
export function encodeOpaqueAuth(w: XdrWriter, a: OpaqueAuth): void {
  w.uint32(a.flavor).opaqueVar(a.body, MAX_AUTH_BYTES, 'opaque_auth.body');
}

export function decodeOpaqueAuth(r: XdrReader): OpaqueAuth {
  const flavor = r.uint32();
  return { flavor, body: r.opaqueVar(MAX_AUTH_BYTES, 'opaque_auth.body') };
}

/**
 *   struct call_body {
 *     unsigned int rpcvers;   (must be 2)
 *     unsigned int prog; unsigned int vers; unsigned int proc;
 *     opaque_auth cred; opaque_auth verf;
 *     (procedure-specific parameters start here)
 *   };
 */
export interface CallHeader {
  xid: number;
  rpcvers: number;
  prog: number;
  vers: number;
  proc: number;
  cred: OpaqueAuth;
  verf: OpaqueAuth;
}

export function encodeCall(w: XdrWriter, c: Omit<CallHeader, 'rpcvers'> & { rpcvers?: number }): void {
  w.uint32(c.xid).uint32(MSG_CALL).uint32(c.rpcvers ?? RPC_VERSION).uint32(c.prog).uint32(c.vers).uint32(c.proc);
  encodeOpaqueAuth(w, c.cred);
  encodeOpaqueAuth(w, c.verf);
}

/**
 * Decodes a call header, leaving `r` at the procedure's arguments. `rpcvers`
 * is returned as sent: a server answers a value other than 2 with
 * MSG_DENIED / RPC_MISMATCH (low = high = 2) rather than failing.
 */
export function decodeCall(r: XdrReader): CallHeader {
  const xid = r.uint32();
  const at = r.offset;
  const mtype = r.uint32();
  if (mtype !== MSG_CALL) throw new XdrError('IMAFS_XDR_BAD_VALUE', `rpc_msg: expected CALL (0), got msg_type ${mtype}`, at);
  const rpcvers = r.uint32();
  const prog = r.uint32();
  const vers = r.uint32();
  const proc = r.uint32();
  const cred = decodeOpaqueAuth(r);
  const verf = decodeOpaqueAuth(r);
  return { xid, rpcvers, prog, vers, proc, cred, verf };
}

/**
 *   union reply_body switch (reply_stat stat) {
 *     case MSG_ACCEPTED: accepted_reply areply;
 *     case MSG_DENIED:   rejected_reply rreply;
 *   };
 *   struct accepted_reply {
 *     opaque_auth verf;
 *     union switch (accept_stat stat) {
 *       case SUCCESS: opaque results[0];
 *       case PROG_MISMATCH: struct { unsigned int low; unsigned int high; } mismatch_info;
 *       default: void;
 *     } reply_data;
 *   };
 *   union rejected_reply switch (reject_stat stat) {
 *     case RPC_MISMATCH: struct { unsigned int low; unsigned int high; } mismatch_info;
 *     case AUTH_ERROR: auth_stat stat;
 *   };
 */
export type AcceptedBody =
  | { stat: typeof SUCCESS }
  | { stat: typeof PROG_MISMATCH; low: number; high: number }
  | { stat: typeof PROG_UNAVAIL | typeof PROC_UNAVAIL | typeof GARBAGE_ARGS | typeof SYSTEM_ERR };

export type RejectedBody =
  | { stat: typeof RPC_MISMATCH; low: number; high: number }
  | { stat: typeof AUTH_ERROR; authStat: number };

export type ReplyHeader =
  | { xid: number; replyStat: typeof MSG_ACCEPTED; verf: OpaqueAuth; accepted: AcceptedBody }
  | { xid: number; replyStat: typeof MSG_DENIED; rejected: RejectedBody };

export function encodeReply(w: XdrWriter, h: ReplyHeader): void {
  w.uint32(h.xid).uint32(MSG_REPLY).uint32(h.replyStat);
  if (h.replyStat === MSG_ACCEPTED) {
    encodeOpaqueAuth(w, h.verf);
    w.uint32(h.accepted.stat);
    if (h.accepted.stat === PROG_MISMATCH) w.uint32(h.accepted.low).uint32(h.accepted.high);
    return;
  }
  w.uint32(h.rejected.stat);
  if (h.rejected.stat === RPC_MISMATCH) w.uint32(h.rejected.low).uint32(h.rejected.high);
  else w.uint32(h.rejected.authStat);
}

const ACCEPT_STATS: ReadonlySet<number> = new Set([SUCCESS, PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR]);
const REPLY_STATS: ReadonlySet<number> = new Set([MSG_ACCEPTED, MSG_DENIED]);
const REJECT_STATS: ReadonlySet<number> = new Set([RPC_MISMATCH, AUTH_ERROR]);

/** Decodes a reply header; on SUCCESS `r` is left at the procedure's results. */
export function decodeReply(r: XdrReader): ReplyHeader {
  const xid = r.uint32();
  const at = r.offset;
  const mtype = r.uint32();
  if (mtype !== MSG_REPLY) throw new XdrError('IMAFS_XDR_BAD_VALUE', `rpc_msg: expected REPLY (1), got msg_type ${mtype}`, at);
  const replyStat = r.enumOf<typeof MSG_ACCEPTED | typeof MSG_DENIED>(REPLY_STATS, 'reply_stat');
  if (replyStat === MSG_ACCEPTED) {
    const verf = decodeOpaqueAuth(r);
    const stat = r.enumOf<number>(ACCEPT_STATS, 'accept_stat');
    if (stat === PROG_MISMATCH) return { xid, replyStat, verf, accepted: { stat, low: r.uint32(), high: r.uint32() } };
    return { xid, replyStat, verf, accepted: { stat } as AcceptedBody };
  }
  const stat = r.enumOf<number>(REJECT_STATS, 'reject_stat');
  if (stat === RPC_MISMATCH) return { xid, replyStat, rejected: { stat, low: r.uint32(), high: r.uint32() } };
  return { xid, replyStat, rejected: { stat: AUTH_ERROR, authStat: r.uint32() } };
}

/** The typed error for a reply that is not accepted/SUCCESS, or undefined. */
export function replyError(h: ReplyHeader, what: string): RpcError | undefined {
  if (h.replyStat === MSG_DENIED) {
    if (h.rejected.stat === RPC_MISMATCH) {
      return new RpcError('IMAFS_RPC_DENIED', `${what}: server refused RPC version 2 (RPC_MISMATCH, supports ${h.rejected.low}..${h.rejected.high})`);
    }
    const name = AUTH_STAT_NAMES[h.rejected.authStat] ?? `auth_stat ${h.rejected.authStat}`;
    return new RpcError('IMAFS_RPC_DENIED', `${what}: server refused our credentials (AUTH_ERROR ${name})`);
  }
  switch (h.accepted.stat) {
    case SUCCESS: return undefined;
    case PROG_UNAVAIL: return new RpcError('IMAFS_RPC_PROG_UNAVAIL', `${what}: program not available (PROG_UNAVAIL)`);
    case PROG_MISMATCH: return new RpcError('IMAFS_RPC_PROG_MISMATCH', `${what}: program version not supported (PROG_MISMATCH, supports ${h.accepted.low}..${h.accepted.high})`);
    case PROC_UNAVAIL: return new RpcError('IMAFS_RPC_PROC_UNAVAIL', `${what}: procedure not available (PROC_UNAVAIL)`);
    case GARBAGE_ARGS: return new RpcError('IMAFS_RPC_GARBAGE_ARGS', `${what}: server could not decode our arguments (GARBAGE_ARGS)`);
    default: return new RpcError('IMAFS_RPC_SYSTEM_ERR', `${what}: server system error (SYSTEM_ERR)`);
  }
}
