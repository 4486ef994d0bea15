/**
 * NFSv4.1+ client and session ops: EXCHANGE_ID (RFC 8881 §18.35),
 * CREATE_SESSION (§18.36), SEQUENCE (§18.46), DESTROY_SESSION (§18.37),
 * DESTROY_CLIENTID (§18.50), RECLAIM_COMPLETE (§18.51).
 *
 * SEQUENCE implements the slot rules of §2.10.6.1: seqid = last + 1 is a new
 * request, seqid = last a retransmission (answered from the slot's cached
 * reply, or NFS4ERR_RETRY_UNCACHED_REP, or NFS4ERR_DELAY while the original
 * still runs), anything else NFS4ERR_SEQ_MISORDERED. The negotiated
 * ca_maxrequestsize / ca_maxoperations are enforced here, ca_maxresponsesize
 * by the COMPOUND loop through the context's byte budget.
 */
import { EXCHGID4_FLAG_CONFIRMED_R, EXCHGID4_FLAG_UPD_CONFIRMED_REC_A, EXCHGID4_FLAG_USE_NON_PNFS, SP4_NONE } from '../../client/nfs4/constants.js';
import { createSessionOp, type CreateSessionArgs } from '../../client/nfs4/ops/create-session.js';
import { destroyClientidOp, type DestroyClientidArgs } from '../../client/nfs4/ops/destroy-clientid.js';
import { destroySessionOp, type DestroySessionArgs } from '../../client/nfs4/ops/destroy-session.js';
import { exchangeIdOp, type ExchangeIdArgs } from '../../client/nfs4/ops/exchange-id.js';
import { reclaimCompleteOp } from '../../client/nfs4/ops/reclaim-complete.js';
import { sequenceOp, type SequenceArgs } from '../../client/nfs4/ops/sequence.js';
import { NFS4_OK, NFS4ERR } from '../../client/nfs4/status.js';
import type { ChannelAttrs4 } from '../../client/nfs4/types.js';
import type { OpContext } from '../compound/op-context.js';
import type { OpHandler } from '../compound/op-handler.js';
import { NfsStatus } from '../errors.js';
import type { ClientRecord } from '../state/client-table.js';
import { negotiate } from '../state/session-table.js';
import { MAX_CLIENTS, principalOf } from './client-ops-v40.js';

const V41: readonly [number, number] = [1, 2];
/** Sessions one client may hold at once. */
const MAX_SESSIONS_PER_CLIENT = 16;

function exchangeId(ctx: OpContext, a: ExchangeIdArgs) {
  const core = ctx.core;
  const principal = principalOf(ctx);
  const mine = core.clients.byOwner(a.clientOwner.ownerid);
  const confirmed = mine.find((c) => c.confirmed);
  let rec: ClientRecord | undefined;
  if (a.flags & EXCHGID4_FLAG_UPD_CONFIRMED_REC_A) {
    // An update of a confirmed record: nothing of ours is updatable, so just find it.
    if (!confirmed) throw new NfsStatus(NFS4ERR.NOENT);
    if (!confirmed.verifier.equals(a.clientOwner.verifier)) throw new NfsStatus(NFS4ERR.NOT_SAME);
    rec = confirmed;
  } else if (confirmed && confirmed.verifier.equals(a.clientOwner.verifier)) {
    if (confirmed.principal !== principal && confirmed.sessions.size > 0) throw new NfsStatus(NFS4ERR.CLID_INUSE);
    if (confirmed.principal === principal) rec = confirmed;
  }
  if (!rec) {
    if (core.clients.size >= MAX_CLIENTS) throw new NfsStatus(NFS4ERR.DELAY, 'too many clients');
    for (const old of mine) if (!old.confirmed) core.clients.drop(old, 'replaced');
    rec = core.clients.create({ ownerid: a.clientOwner.ownerid, verifier: a.clientOwner.verifier, minor: ctx.minor, principal, addr: ctx.peer.addr });
  }
  core.clients.renew(rec);
  return {
    status: NFS4_OK,
    resok: {
      clientid: rec.clientid,
      sequenceid: rec.csSeq,
      flags: EXCHGID4_FLAG_USE_NON_PNFS | (rec.confirmed ? EXCHGID4_FLAG_CONFIRMED_R : 0),
      stateProtect: { how: SP4_NONE } as const,
      serverOwner: { minorId: 0n, majorId: core.ownerMajor },
      serverScope: core.ownerMajor,
      serverImplId: { domain: 'imafs.invalid', name: 'imafs serve', date: { seconds: 0n, nseconds: 0 } },
    },
  };
}

function createSession(ctx: OpContext, a: CreateSessionArgs) {
  const core = ctx.core;
  const rec = core.clients.get(a.clientid);
  if (!rec) throw new NfsStatus(NFS4ERR.STALE_CLIENTID);
  if (a.sequence === ((rec.csSeq - 1) >>> 0) && rec.csReply !== undefined) return rec.csReply as { status: number };
  if (a.sequence !== rec.csSeq) throw new NfsStatus(NFS4ERR.SEQ_MISORDERED);
  if (rec.confirmed && rec.principal !== principalOf(ctx)) throw new NfsStatus(NFS4ERR.CLID_INUSE);
  if (rec.sessions.size >= MAX_SESSIONS_PER_CLIENT) throw new NfsStatus(NFS4ERR.NOSPC, 'too many sessions');
  const fore = negotiate(a.foreChanAttrs, core.settings.channel);
  // No back channel is ever used (no delegations, no callbacks): echo modest limits.
  const back: ChannelAttrs4 = {
    headerPadSize: 0,
    maxRequestSize: Math.min(a.backChanAttrs.maxRequestSize, 4096),
    maxResponseSize: Math.min(a.backChanAttrs.maxResponseSize, 4096),
    maxResponseSizeCached: 0,
    maxOperations: Math.min(a.backChanAttrs.maxOperations, 2),
    maxRequests: Math.max(1, Math.min(a.backChanAttrs.maxRequests, 1)),
  };
  const s = core.sessions.create(rec, fore, back, 0);
  if (!rec.confirmed) core.clients.confirm(rec);
  core.clients.renew(rec);
  const res = { status: NFS4_OK, resok: { sessionid: s.id, sequence: rec.csSeq, flags: 0, foreChanAttrs: fore, backChanAttrs: back } };
  rec.csSeq = (rec.csSeq + 1) >>> 0;
  rec.csReply = res;
  return res;
}

function sequence(ctx: OpContext, a: SequenceArgs) {
  const s = ctx.core.sessions.get(a.sessionid);
  if (!s) throw new NfsStatus(NFS4ERR.BADSESSION);
  const fore = s.fore;
  if (a.slotid >= s.slots.length) throw new NfsStatus(NFS4ERR.BADSLOT);
  const slot = s.slots[a.slotid];
  if (a.sequenceid === slot.seqid && slot.seqid !== 0) {
    if (slot.busy) throw new NfsStatus(NFS4ERR.DELAY, 'the original request is still running');
    if (!slot.reply) throw new NfsStatus(NFS4ERR.RETRY_UNCACHED_REP);
    ctx.replay = slot.reply;
    return { status: NFS4_OK };
  }
  if (a.sequenceid !== ((slot.seqid + 1) >>> 0) || slot.busy) throw new NfsStatus(NFS4ERR.SEQ_MISORDERED);
  if (ctx.requestSize > fore.maxRequestSize) throw new NfsStatus(NFS4ERR.REQ_TOO_BIG);
  if (ctx.opCount > fore.maxOperations) throw new NfsStatus(NFS4ERR.TOO_MANY_OPS);
  slot.seqid = a.sequenceid;
  slot.busy = true;
  slot.reply = undefined;
  ctx.session = s;
  ctx.slot = slot;
  ctx.cacheThis = a.cachethis;
  ctx.client = s.client;
  ctx.core.clients.renew(s.client);
  const limit = a.cachethis ? Math.min(fore.maxResponseSize, Math.max(fore.maxResponseSizeCached, 0)) : fore.maxResponseSize;
  ctx.budget = Math.min(ctx.budget, limit - ctx.overhead);
  const top = s.slots.length - 1;
  return {
    status: NFS4_OK,
    resok: { sessionid: s.id, sequenceid: a.sequenceid, slotid: a.slotid, highestSlotid: top, targetHighestSlotid: top, statusFlags: 0 },
  };
}

export const sessionHandlers: OpHandler[] = [
  { codec: exchangeIdOp, minors: V41, run: exchangeId },
  { codec: createSessionOp, minors: V41, run: createSession },
  { codec: sequenceOp, minors: V41, run: sequence },
  {
    codec: destroySessionOp,
    minors: V41,
    run(ctx, a: DestroySessionArgs) {
      const s = ctx.core.sessions.get(a.sessionid);
      if (!s) throw new NfsStatus(NFS4ERR.BADSESSION);
      ctx.core.sessions.destroy(s);
      return { status: NFS4_OK };
    },
  },
  {
    codec: destroyClientidOp,
    minors: V41,
    run(ctx, a: DestroyClientidArgs) {
      const rec = ctx.core.clients.get(a.clientid);
      if (!rec) throw new NfsStatus(NFS4ERR.STALE_CLIENTID);
      if (rec.sessions.size > 0) throw new NfsStatus(NFS4ERR.CLIENTID_BUSY);
      ctx.core.clients.drop(rec, 'destroyed');
      return { status: NFS4_OK };
    },
  },
  {
    codec: reclaimCompleteOp,
    minors: V41,
    run(ctx, a: { oneFs: boolean }) {
      const c = ctx.client;
      if (!c) throw new NfsStatus(NFS4ERR.OP_NOT_IN_SESSION);
      // There is never anything to reclaim (no grace period); a per-fs completion is always fine.
      if (a.oneFs) return { status: NFS4_OK };
      if (c.reclaimDone) throw new NfsStatus(NFS4ERR.COMPLETE_ALREADY);
      c.reclaimDone = true;
      return { status: NFS4_OK };
    },
  },
];
