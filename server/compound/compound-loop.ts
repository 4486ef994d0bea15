/**
 * COMPOUND evaluation (RFC 8881 §16.2.3, §2.10.6; RFC 7530 §16.2.3 for 4.0).
 *
 *   struct COMPOUND4args { utf8str_cs tag; uint32_t minorversion; nfs_argop4 argarray<>; };
 *   struct COMPOUND4res  { nfsstat4 status; utf8str_cs tag; nfs_resop4 resarray<>; };
 *
 * Ops are decoded by the shared decoder up to the first one that cannot be;
 * everything before it is executed and the malformed one answers
 * NFS4ERR_BADXDR.
 * Evaluation stops at the first non-OK result, whose status is the
 * COMPOUND's. An opnum the minor version does not define gets OP_ILLEGAL (with
 * resop ILLEGAL); one it defines but imafs does not implement, NOTSUPP.
 * In 4.1+, SEQUENCE must come first (or one of the sessionless ops alone),
 * and its slot caches the encoded reply for exactly-once replays.
 */
import util from 'node:util';
import { XdrError } from '../../client/errors.js';
import { decodeCompound4Args, HARD_MAX_OPS, MAX_TAG, type DecodedCompound4Args } from '../../client/nfs4/compound.js';
import { isDefinedOp, OP } from '../../client/nfs4/constants.js';
import type { AnyOpCodec } from '../../client/nfs4/op-codec.js';
import { OP_CODECS } from '../../client/nfs4/ops/index.js';
import { NFS4_OK, NFS4ERR } from '../../client/nfs4/status.js';
import type { XdrReader } from '../../client/xdr/xdr-reader.js';
import { XdrWriter } from '../../client/xdr/xdr-writer.js';
import type { PeerInfo } from '../connection.js';
import type { ServerCore } from '../server-core.js';
import type { HandlerTable, OpHandler } from './op-handler.js';
import { OpContext, type Credentials } from './op-context.js';
import { statusOf } from './status-of.js';

const debug = util.debuglog('imafs:server');

export const MAX_MINOR = 2;
/** Ops per COMPOUND without a session (4.0, or sessionless 4.1 ops). */
export const MAX_OPS_NO_SESSION = 128;
/** RPC reply header bytes ahead of COMPOUND4res (xid .. accept_stat, AUTH_NONE verifier). */
export const REPLY_HEADER = 24;

/** Ops allowed first in a 4.1 COMPOUND without SEQUENCE (RFC 8881 §2.10.6.3 / each op's DESCRIPTION). */
const SESSIONLESS: ReadonlySet<number> = new Set([
  OP.EXCHANGE_ID, OP.CREATE_SESSION, OP.DESTROY_SESSION, OP.DESTROY_CLIENTID, OP.BIND_CONN_TO_SESSION,
]);

export interface CompoundCall {
  core: ServerCore;
  handlers: HandlerTable;
  peer: PeerInfo;
  cred: Credentials;
  /** The reader positioned at COMPOUND4args. */
  r: XdrReader;
  /** Size of the whole RPC call, for ca_maxrequestsize. */
  requestSize: number;
  /** Reply bound without a session (connection max record). */
  maxReply: number;
}

export interface CompoundReply {
  chunks: Buffer[];
  /** To call once the chunks are written or dropped (they may reference pooled READ buffers). */
  afterReply: Array<() => void>;
}

/** Codecs the decoder may use: every shared op codec, plus the handlers' own. */
const registries = new WeakMap<HandlerTable, ReadonlyMap<number, AnyOpCodec>>();
function registryFor(handlers: HandlerTable): ReadonlyMap<number, AnyOpCodec> {
  let r = registries.get(handlers);
  if (!r) {
    r = new Map<number, AnyOpCodec>([...OP_CODECS, ...[...handlers.values()].map((h) => [h.codec.op, h.codec] as const)]);
    registries.set(handlers, r);
  }
  return r;
}

/** The encoded COMPOUND4res, or 'garbage' when even its header cannot be decoded (GARBAGE_ARGS). */
export async function runCompound(c: CompoundCall): Promise<CompoundReply | 'garbage'> {
  let dec: DecodedCompound4Args;
  try {
    // The shared server-side decoder (client/nfs4/compound.ts): everything up to
    // the first op it cannot decode, and why it stopped there.
    dec = decodeCompound4Args(c.r, { maxOps: HARD_MAX_OPS, registry: registryFor(c.handlers) });
  } catch (err) {
    if (err instanceof XdrError) return 'garbage';
    throw err;
  }
  const { tag, minorVersion: minor } = dec;
  // All results go into one writer (a writer per op cost two buffers per op);
  // `kept` can encode them again when one must be taken back (REP_TOO_BIG).
  let body = new XdrWriter(replySizeHint(dec));
  const kept: Kept[] = [];
  let lastStatus = NFS4_OK;
  const finish = (): Buffer[] => {
    const chunks = body.chunks();
    if (tag === '') {
      // status, empty tag, result count: 12 bytes, no writer (the usual case).
      const h = Buffer.allocUnsafe(12);
      h.writeUInt32BE(lastStatus, 0);
      h.writeUInt32BE(0, 4);
      h.writeUInt32BE(kept.length, 8);
      chunks.unshift(h);
      return chunks;
    }
    const head = new XdrWriter(64);
    head.uint32(lastStatus).string(tag, MAX_TAG, 'tag').uint32(kept.length);
    return [...head.chunks(), ...chunks];
  };
  if (minor > MAX_MINOR) {
    lastStatus = NFS4ERR.MINOR_VERS_MISMATCH;
    return { chunks: finish(), afterReply: [] };
  }
  const overhead = REPLY_HEADER + 12 + Buffer.byteLength(tag) + 4;
  const ctx = new OpContext(c.core, c.peer, c.cred, minor, c.requestSize, c.maxReply - overhead);
  ctx.opCount = dec.declaredOps;
  ctx.overhead = overhead;
  /** An error result: the op's own `fail` shape when it has one, else the bare status. */
  const push = (op: number, status: number, h?: OpHandler): void => {
    const k: Kept = h?.fail ? { op, codec: h.codec, res: h.fail(status) } : { op, codec: undefined, res: { status } };
    const mark = body.length;
    encodeKept(body, k);
    kept.push(k);
    ctx.budget -= body.length - mark;
    lastStatus = status;
  };
  const count = dec.argarray.length + (dec.stop ? 1 : 0);

  try {
    for (let i = 0; i < count; i++) {
      const stop = i === dec.argarray.length ? dec.stop : undefined;
      if (stop?.reason === 'too-many-ops' || (i >= MAX_OPS_NO_SESSION && !ctx.session)) {
        push(OP.ILLEGAL, minor === 0 ? NFS4ERR.RESOURCE : NFS4ERR.TOO_MANY_OPS);
        break;
      }
      const opnum = stop ? stop.opnum : dec.argarray[i].op;
      if (!isDefinedOp(opnum, minor)) {
        push(OP.ILLEGAL, NFS4ERR.OP_ILLEGAL);
        break;
      }
      const gate = sessionRule(minor, i, dec.declaredOps, opnum, ctx.session !== undefined);
      if (gate !== NFS4_OK) {
        push(opnum, gate);
        break;
      }
      const h = c.handlers.get(opnum);
      if (!h || (h.minors && (minor < h.minors[0] || minor > h.minors[1]))) {
        push(opnum, NFS4ERR.NOTSUPP, h);
        break;
      }
      if (stop) {
        debug('%s: BADXDR: %s', h.codec.name, stop.error?.message);
        push(opnum, NFS4ERR.BADXDR, h);
        break;
      }
      const args = dec.argarray[i].args;
      let res: { status: number };
      try {
        // Most handlers answer synchronously: no promise round trip for them.
        const r = h.run(ctx, args);
        res = r instanceof Promise ? await r : r;
      } catch (err) {
        const s = statusOf(err);
        if (s.unexpected) c.core.log(`internal error in ${h.codec.name} for ${ctx.who()}: ${(err as Error)?.stack ?? String(err)}`);
        res = h.fail ? h.fail(s.status) : { status: s.status };
      }
      if (ctx.replay) return { chunks: [ctx.replay], afterReply: ctx.afterReply };
      const k: Kept = { op: opnum, codec: h.codec, res };
      const mark = body.length;
      encodeKept(body, k);
      const size = body.length - mark;
      if (size > ctx.budget) {
        // RFC 8881 §2.10.6.4: the op whose result does not fit gets REP_TOO_BIG(_TO_CACHE).
        const s = ctx.cacheThis && ctx.session && ctx.budget < ctx.session.fore.maxResponseSize ? NFS4ERR.REP_TOO_BIG_TO_CACHE : NFS4ERR.REP_TOO_BIG;
        body = new XdrWriter(2048);
        for (const old of kept) encodeKept(body, old);
        push(opnum, s, h);
        break;
      }
      kept.push(k);
      ctx.budget -= size;
      lastStatus = res.status;
      if (res.status !== NFS4_OK) break;
    }
  } finally {
    // The slot is released however the COMPOUND ended.
    if (ctx.slot && !ctx.replay) {
      ctx.slot.busy = false;
    }
  }
  const reply = finish();
  if (ctx.slot && !ctx.replay) cacheReply(ctx, reply);
  return { chunks: reply, afterReply: ctx.afterReply };
}

/** Largest first buffer for a reply's results; bigger replies grow the writer. */
const MAX_HINT = 256 * 1024;

/**
 * What the results will likely take: READ data under the writer's
 * by-reference size (4 KiB) is copied into it, so a batch of small READs
 * (an audit's PUTFH+READ x 31) would otherwise grow it from 2 KiB by doubling,
 * copying and allocating twice the reply.
 */
function replySizeHint(dec: DecodedCompound4Args): number {
  let n = 2048;
  for (const a of dec.argarray) {
    n += 32;
    if (a.op === OP.READ) {
      const count = (a.args as { count: number }).count;
      if (count < 4096) n += count;
    }
  }
  return Math.min(n, MAX_HINT);
}

/** One nfs_resop4 of the reply: its op number and result (codec undefined: a bare status). */
interface Kept {
  op: number;
  codec: AnyOpCodec | undefined;
  res: { status: number };
}

/** RFC 8881 §16.2.3: nfs_resop4 is the opnum, then the op's result union. */
function encodeKept(w: XdrWriter, k: Kept): void {
  w.uint32(k.op);
  if (k.codec) k.codec.encodeRes(w, k.res);
  else w.uint32(k.res.status);
}

/** RFC 8881 §2.10.6.3 / §18.46.3: where SEQUENCE and the sessionless ops may appear. */
function sessionRule(minor: number, i: number, count: number, opnum: number, inSession: boolean): number {
  if (minor === 0) return NFS4_OK;
  if (opnum === OP.SEQUENCE) return i === 0 ? NFS4_OK : NFS4ERR.SEQUENCE_POS;
  if (i === 0) {
    if (!SESSIONLESS.has(opnum)) return NFS4ERR.OP_NOT_IN_SESSION;
    return count === 1 ? NFS4_OK : NFS4ERR.NOT_ONLY_OP;
  }
  return inSession ? NFS4_OK : NFS4ERR.OP_NOT_IN_SESSION;
}

/** Keeps the reply for replays: always when asked (sa_cachethis) or small; otherwise a retry gets RETRY_UNCACHED_REP. */
function cacheReply(ctx: OpContext, reply: Buffer[]): void {
  const slot = ctx.slot!;
  let size = 0;
  for (const b of reply) size += b.length;
  const cap = ctx.session!.fore.maxResponseSizeCached;
  slot.reply = (ctx.cacheThis || size <= 4096) && size <= Math.max(cap, 4096) ? Buffer.concat(reply, size) : undefined;
}
