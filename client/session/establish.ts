import { debuglog } from 'node:util';
import { NfsError } from '../errors.js';
import { AUTH_NONE, SP4_NONE } from '../nfs4/constants.js';
import { NFS4ERR, NFS4_OK, statusName } from '../nfs4/status.js';
import type { ChannelAttrs4 } from '../nfs4/types.js';
import { createSessionOp } from '../nfs4/ops/create-session.js';
import { destroyClientidOp } from '../nfs4/ops/destroy-clientid.js';
import { destroySessionOp } from '../nfs4/ops/destroy-session.js';
import { exchangeIdOp } from '../nfs4/ops/exchange-id.js';
import { reclaimCompleteOp } from '../nfs4/ops/reclaim-complete.js';
import type { RpcClient } from '../rpc/rpc-client.js';
import { callCompound, op, type OpCall } from './compound-call.js';

const debug = debuglog('imafs:client');

/** Who we are to the server (RFC 8881 §2.4): stable for the life of one NfsClient. */
export interface ClientIdentity {
  /** co_verifier: changes when the client "reboots" (a new NfsClient). */
  verifier: Buffer;
  /** co_ownerid: unique per NfsClient so two clients in one process never collide. */
  ownerId: Buffer;
  implName: string;
}

export interface SessionGrant {
  sessionId: Buffer;
  foreChannel: ChannelAttrs4;
}

/** A largest READ reply: 1 MiB of data plus COMPOUND, SEQUENCE, PUTFH and READ headers. */
export const WANT_MAX_RESPONSE = 1024 * 1024 + 64 * 1024;
/** Requests stay small (no WRITE); SETATTR of a 4 KiB IMA blob is the largest. */
export const WANT_MAX_REQUEST = 64 * 1024;
export const WANT_SLOTS = 64;
/**
 * Batched small READs (SEQUENCE, then PUTFH + READ per file) carry 31 files
 * per round trip at 64 instead of 15 at 32. Not more: nfs-ganesha 4.3 grants
 * any ca_maxoperations asked for but answers a COMPOUND of more than 100
 * operations with NFS4ERR_RESOURCE, and imafs serve grants 64.
 */
export const WANT_MAX_OPS = 64;

function fail(status: number, opName: string): NfsError {
  return new NfsError(status, statusName(status), opName);
}

/**
 * RFC 8881 §18.35 EXCHANGE_ID, alone in a COMPOUND. Without a forced minor
 * version it asks for 4.2 first and falls back to 4.1 when the server
 * answers NFS4ERR_MINOR_VERS_MISMATCH (RFC 8881 §16.2.3).
 */
export async function exchangeId(
  rpc: RpcClient, forced: 1 | 2 | undefined, id: ClientIdentity, timeoutMs: number, setMinor: (m: 1 | 2) => void,
): Promise<{ clientId: bigint; sequenceId: number }> {
  const tries: (1 | 2)[] = forced ? [forced] : [2, 1];
  let last = 0;
  for (const minor of tries) {
    const res = await callCompound(rpc, minor, [op(exchangeIdOp, {
      clientOwner: { verifier: id.verifier, ownerid: id.ownerId },
      flags: 0,
      stateProtect: { how: SP4_NONE },
      clientImplId: { domain: 'imafs.invalid', name: id.implName, date: { seconds: 0n, nseconds: 0 } },
    })], timeoutMs);
    last = res.status;
    if (res.status === NFS4ERR.MINOR_VERS_MISMATCH) {
      debug('server refuses NFSv4.%d', minor);
      continue;
    }
    const r = res.results[0] as { status: number; resok?: { clientid: bigint; sequenceid: number } } | undefined;
    if (res.status !== NFS4_OK || !r?.resok) throw fail(res.status, 'EXCHANGE_ID');
    setMinor(minor);
    return { clientId: r.resok.clientid, sequenceId: r.resok.sequenceid };
  }
  throw fail(last, 'EXCHANGE_ID');
}

/**
 * RFC 8881 §18.36 CREATE_SESSION: csa_sequence is EXCHANGE_ID's
 * eir_sequenceid (then +1 per session on that client ID); the fore channel
 * is sized for 1 MiB READs; no back channel flag (we take no callbacks), but
 * a minimal back channel description is still required on the wire.
 */
export async function createSession(
  rpc: RpcClient, minor: 1 | 2, clientId: bigint, sequence: number, timeoutMs: number,
): Promise<SessionGrant> {
  const fore: ChannelAttrs4 = {
    headerPadSize: 0, maxRequestSize: WANT_MAX_REQUEST, maxResponseSize: WANT_MAX_RESPONSE,
    maxResponseSizeCached: 16 * 1024, maxOperations: WANT_MAX_OPS, maxRequests: WANT_SLOTS,
  };
  const back: ChannelAttrs4 = {
    headerPadSize: 0, maxRequestSize: 4096, maxResponseSize: 4096,
    maxResponseSizeCached: 0, maxOperations: 2, maxRequests: 1,
  };
  const res = await callCompound(rpc, minor, [op(createSessionOp, {
    clientid: clientId, sequence, flags: 0, foreChanAttrs: fore, backChanAttrs: back,
    cbProgram: 0x40000000, secParms: [{ flavor: AUTH_NONE }],
  })], timeoutMs);
  const r = res.results[0] as { status: number; resok?: { sessionid: Buffer; foreChanAttrs: ChannelAttrs4 } } | undefined;
  if (res.status !== NFS4_OK || !r?.resok) throw fail(res.status, 'CREATE_SESSION');
  // Copy: the session ID is a view into a reply record we do not keep.
  return { sessionId: Buffer.from(r.resok.sessionid), foreChannel: r.resok.foreChanAttrs };
}

/** RFC 8881 §18.51: "no state to reclaim" for every file system (rca_one_fs false). */
export function reclaimComplete(): OpCall {
  return op(reclaimCompleteOp, { oneFs: false });
}

/** RFC 8881 §18.37: DESTROY_SESSION may be the only op (no SEQUENCE). */
export async function destroySession(rpc: RpcClient, minor: 1 | 2, sessionId: Buffer, timeoutMs: number): Promise<void> {
  const res = await callCompound(rpc, minor, [op(destroySessionOp, { sessionid: sessionId })], timeoutMs);
  if (res.status !== NFS4_OK && res.status !== NFS4ERR.BADSESSION) throw fail(res.status, 'DESTROY_SESSION');
}

/** RFC 8881 §18.50: DESTROY_CLIENTID alone in its COMPOUND, after the last session is gone. */
export async function destroyClientId(rpc: RpcClient, minor: 1 | 2, clientId: bigint, timeoutMs: number): Promise<void> {
  const res = await callCompound(rpc, minor, [op(destroyClientidOp, { clientid: clientId })], timeoutMs);
  if (res.status !== NFS4_OK && res.status !== NFS4ERR.STALE_CLIENTID) throw fail(res.status, 'DESTROY_CLIENTID');
}
