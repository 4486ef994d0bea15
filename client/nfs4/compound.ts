import { debuglog } from 'node:util';
import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';
import { ProtocolError, UsageError, XdrError } from '../errors.js';
import { OP, opName } from './constants.js';
import { decodeStatus, type AnyOpCodec, type OpCodec } from './op-codec.js';
import { OP_CODECS } from './ops/index.js';
import { NFS4_OK, statusName } from './status.js';

const debug = debuglog('imafs:nfs4');

/**
 * RFC 8881 §16.2.1-§16.2.2:
 *   struct COMPOUND4args { utf8str_cs tag; uint32_t minorversion; nfs_argop4 argarray<>; };
 *   struct COMPOUND4res { nfsstat4 status; utf8str_cs tag; nfs_resop4 resarray<>; };
 *   union nfs_argop4 switch (nfs_opnum4 argop) { case OP_ACCESS: ACCESS4args opaccess; ... };
 *   union nfs_resop4 switch (nfs_opnum4 resop) { case OP_ACCESS: ACCESS4res opaccess; ... };
 * RFC 7530 §16.2 has the same layout for 4.0.
 */
export const MAX_TAG = 1024;
/** Default bound on ops per COMPOUND, both directions; callers may pass up to HARD_MAX_OPS. */
export const DEFAULT_MAX_OPS = 128;
export const HARD_MAX_OPS = 1024;

export interface NfsArgop<A = unknown> {
  op: number;
  args: A;
}
export interface NfsResop<R extends { status: number } = { status: number }> {
  op: number;
  res: R;
}
export interface Compound4Args {
  tag: string;
  minorVersion: number;
  argarray: NfsArgop[];
}
export interface Compound4Res {
  status: number;
  tag: string;
  resarray: NfsResop[];
}

export interface CompoundOptions {
  maxOps?: number;
  registry?: ReadonlyMap<number, AnyOpCodec>;
}
function limits(o: CompoundOptions): { maxOps: number; registry: ReadonlyMap<number, AnyOpCodec> } {
  const maxOps = o.maxOps ?? DEFAULT_MAX_OPS;
  if (!Number.isInteger(maxOps) || maxOps < 1 || maxOps > HARD_MAX_OPS) {
    throw new UsageError(`maxOps ${maxOps} outside 1..${HARD_MAX_OPS}`);
  }
  return { maxOps, registry: o.registry ?? OP_CODECS };
}

/** A typed argop: `argop(readOp, { stateid, offset, count })`. */
export function argop<A, R extends { status: number }>(codec: OpCodec<A, R>, args: A): NfsArgop<A> {
  return { op: codec.op, args };
}

/** The result at `resop` as `codec`'s type; a ProtocolError if the server answered another op. */
export function resultAs<A, R extends { status: number }>(codec: OpCodec<A, R>, resop: NfsResop): R {
  if (resop.op !== codec.op) {
    throw new ProtocolError(`expected a ${codec.name} result, got ${opName(resop.op)}`);
  }
  return resop.res as R;
}

function codecFor(registry: ReadonlyMap<number, AnyOpCodec>, op: number): AnyOpCodec {
  const c = registry.get(op);
  if (c === undefined) throw new UsageError(`no codec for operation ${opName(op)}`);
  return c;
}

function readCount(r: XdrReader, what: string): number {
  const at = r.offset;
  const n = r.uint32();
  // Every argop/resop takes at least 4 bytes (its opnum).
  if (n * 4 > r.remaining) throw new XdrError('IMAFS_XDR_SHORT_BUFFER', `${what}: ${n} ops cannot fit in ${r.remaining} bytes`, at);
  return n;
}

/* ---------- client: write args, read results ---------- */

export function encodeCompound4Args(w: XdrWriter, a: Compound4Args, opts: CompoundOptions = {}): void {
  const { maxOps, registry } = limits(opts);
  w.string(a.tag, MAX_TAG, 'COMPOUND tag').uint32(a.minorVersion);
  w.array(a.argarray, maxOps, (ww, op) => {
    ww.uint32(op.op);
    codecFor(registry, op.op).encodeArgs(ww, op.args);
  }, 'argarray');
}

/**
 * Decodes a COMPOUND4res for the ops in `sent` (their opnums, in order), checking
 * the rules of RFC 8881 §16.2.3: at most one result per op sent, each result for
 * the op at its position (or OP_ILLEGAL), processing stops at the first non-OK
 * result, the COMPOUND status is that of the last result, and NFS4_OK only when
 * every op ran. The whole record must be consumed.
 */
export function decodeCompound4Res(r: XdrReader, sent: readonly number[], opts: CompoundOptions = {}): Compound4Res {
  const { registry } = limits(opts);
  const status = decodeStatus(r);
  const tag = r.string(MAX_TAG, 'COMPOUND tag');
  const n = readCount(r, 'resarray');
  if (n > sent.length) throw new ProtocolError(`COMPOUND reply has ${n} results for ${sent.length} operations`);
  const resarray: NfsResop[] = [];
  for (let i = 0; i < n; i++) {
    const op = r.uint32();
    if (op !== sent[i] && op !== OP.ILLEGAL) {
      throw new ProtocolError(`COMPOUND result ${i} is for ${opName(op)}, but ${opName(sent[i])} was sent`);
    }
    const res = codecFor(registry, op).decodeRes(r);
    if (res.status !== NFS4_OK && i !== n - 1) {
      throw new ProtocolError(`COMPOUND result ${i} (${opName(op)}) failed with ${statusName(res.status)} but results follow it`);
    }
    resarray.push({ op, res });
  }
  r.assertEnd('COMPOUND4res');
  const last = resarray.at(-1);
  if (status === NFS4_OK && (n !== sent.length || (last !== undefined && last.res.status !== NFS4_OK))) {
    throw new ProtocolError(`COMPOUND status NFS4_OK with ${n} of ${sent.length} results`);
  }
  if (last !== undefined && last.res.status !== NFS4_OK && last.res.status !== status) {
    throw new ProtocolError(`COMPOUND status ${statusName(status)} differs from its last result's ${statusName(last.res.status)}`);
  }
  if (status !== NFS4_OK && n === sent.length && last?.res.status === NFS4_OK) {
    throw new ProtocolError(`COMPOUND status ${statusName(status)} but every operation succeeded`);
  }
  return { status, tag, resarray };
}

/* ---------- server: read args, write results ---------- */

/**
 * Why server-side decoding stopped before the end of argarray:
 *  - 'unknown-op': no codec for the opnum. The server answers NFS4ERR_OP_ILLEGAL
 *    (resop OP_ILLEGAL) if the opnum is undefined for the minor version, else
 *    NFS4ERR_NOTSUPP (RFC 8881 §15.2, §16.2.3; see isDefinedOp).
 *  - 'bad-args': the op's arguments did not decode: NFS4ERR_BADXDR for that op.
 *  - 'too-many-ops': more ops than maxOps: NFS4ERR_TOO_MANY_OPS (4.1+) or
 *    NFS4ERR_RESOURCE (4.0), after executing the ops decoded.
 */
export interface CompoundStop {
  index: number;
  opnum: number;
  reason: 'unknown-op' | 'bad-args' | 'too-many-ops';
  error?: XdrError;
}
export interface DecodedCompound4Args extends Compound4Args {
  /** argarray's declared length. */
  declaredOps: number;
  stop?: CompoundStop;
  /** Bytes left after a complete decode (0 for a well-formed call). */
  trailingBytes: number;
}

/**
 * Server side. The header (tag, minorversion, count) must decode or an XdrError is
 * thrown (answer GARBAGE_ARGS). Then ops decode one by one until the end or the
 * first op that cannot be decoded, which is reported in `stop` with everything
 * decoded before it, so the server can execute those and answer the failing one.
 */
export function decodeCompound4Args(r: XdrReader, opts: CompoundOptions = {}): DecodedCompound4Args {
  const { maxOps, registry } = limits(opts);
  const tag = r.string(MAX_TAG, 'COMPOUND tag');
  const minorVersion = r.uint32();
  const declaredOps = readCount(r, 'argarray');
  const argarray: NfsArgop[] = [];
  const out = (stop?: CompoundStop): DecodedCompound4Args => ({
    tag, minorVersion, argarray, declaredOps, trailingBytes: stop ? 0 : r.remaining, ...(stop ? { stop } : {}),
  });
  for (let i = 0; i < declaredOps; i++) {
    if (i >= maxOps) return out({ index: i, opnum: 0, reason: 'too-many-ops' });
    const op = r.uint32();
    const codec = registry.get(op);
    if (codec === undefined || op === OP.ILLEGAL) {
      debug('COMPOUND op %d: no codec for %s', i, opName(op));
      return out({ index: i, opnum: op, reason: 'unknown-op' });
    }
    try {
      argarray.push({ op, args: codec.decodeArgs(r) });
    } catch (e) {
      if (!(e instanceof XdrError)) throw e;
      debug('COMPOUND op %d (%s): bad args: %s', i, codec.name, e.message);
      return out({ index: i, opnum: op, reason: 'bad-args', error: e });
    }
  }
  return out();
}

/**
 * Server side. A result for an op without a codec (NOTSUPP for a defined op,
 * OP_ILLEGAL) may be written as long as it is not NFS4_OK: every nfs_resop4 arm
 * is then just the status, except the few with error payloads, which all have codecs.
 */
export function encodeCompound4Res(w: XdrWriter, res: Compound4Res, opts: CompoundOptions = {}): void {
  const { maxOps, registry } = limits(opts);
  w.uint32(res.status).string(res.tag, MAX_TAG, 'COMPOUND tag');
  w.array(res.resarray, maxOps, (ww, ro) => {
    ww.uint32(ro.op);
    const codec = registry.get(ro.op);
    if (codec !== undefined) codec.encodeRes(ww, ro.res);
    else if (ro.res.status !== NFS4_OK) ww.uint32(ro.res.status);
    else throw new UsageError(`no codec to encode an NFS4_OK ${opName(ro.op)} result`);
  }, 'resarray');
}
