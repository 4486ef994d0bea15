import { debuglog } from 'node:util';
import { NfsError, ProtocolError } from './errors.js';
import {
  CLAIM_FH, FATTR4, OPEN4_NOCREATE, OPEN4_SHARE_ACCESS_READ, OPEN4_SHARE_ACCESS_WANT_NO_DELEG, OPEN4_SHARE_DENY_NONE,
  READ_BYPASS_STATEID,
} from './nfs4/constants.js';
import { decodeFattr, type AttrConfig } from './nfs4/fattr.js';
import { closeOp } from './nfs4/ops/close.js';
import { getattrOp } from './nfs4/ops/getattr.js';
import { openOp } from './nfs4/ops/open.js';
import { putfhOp } from './nfs4/ops/putfh.js';
import { readOp, type ReadResok } from './nfs4/ops/read.js';
import { NFS4ERR, NFS4_OK, statusName } from './nfs4/status.js';
import type { Stateid4 } from './nfs4/types.js';
import { op, resultOf } from './session/compound-call.js';
import type { NfsSession } from './session/nfs-session.js';

const debug = debuglog('imafs:client');

/** OPEN refusals after which READ with the READ-bypass stateid (RFC 8881 §8.2.3) is worth a try. */
const OPEN_FALLBACK: ReadonlySet<number> = new Set([
  NFS4ERR.SHARE_DENIED, NFS4ERR.NOTSUPP, NFS4ERR.OPENMODE, NFS4ERR.LOCKED, NFS4ERR.DENIED, NFS4ERR.WRONG_CRED,
  NFS4ERR.RESOURCE, NFS4ERR.DELEG_REVOKED, NFS4ERR.ADMIN_REVOKED, NFS4ERR.SERVERFAULT,
]);
/** READ failures that mean our open state is gone: re-OPEN and read again (RFC 8881 §15.1.5, §8.4). */
const STATE_LOST: ReadonlySet<number> = new Set([
  NFS4ERR.BAD_STATEID, NFS4ERR.STALE_STATEID, NFS4ERR.EXPIRED, NFS4ERR.ADMIN_REVOKED, NFS4ERR.DELEG_REVOKED,
  NFS4ERR.OLD_STATEID,
]);

export interface ReadStreamContext {
  session: NfsSession;
  attrs: AttrConfig;
  fh: Buffer;
  path: string;
  /** Bytes per READ. */
  chunkSize: number;
  /** READs in flight. */
  depth: number;
  /** open_owner4.owner for this stream. */
  owner: Buffer;
  start: number;
  /** Inclusive, like fs.createReadStream; undefined reads to EOF. */
  end: number | undefined;
}

interface OpenState {
  stateid: Stateid4;
  opened: boolean;
  epoch: number;
  size: number;
}

type Outcome = { ok: ReadResok } | { err: unknown };

/**
 * The pipelined reader: OPEN (CLAIM_FH, share READ, no delegation), then up
 * to `depth` READs of `chunkSize` in flight, handed out strictly in offset
 * order; a READ is only issued when the consumer has taken an earlier one,
 * so a slow consumer holds at most depth x chunkSize bytes (backpressure).
 * Short reads are topped up before anything later is delivered. Lost open
 * state (server restart, lease expiry) re-OPENs and reads again. CLOSE runs
 * when the stream ends, fails, or is abandoned by the consumer.
 */
export async function* pipelinedRead(ctx: ReadStreamContext): AsyncGenerator<Buffer, void, undefined> {
  const s = ctx.session;
  let state = await openForRead(ctx);
  let reopening: Promise<void> | undefined;
  let done = false;

  const reopen = async (old: OpenState): Promise<void> => {
    if (state !== old) return;
    reopening ??= openForRead(ctx).then((st) => { state = st; }).finally(() => { reopening = undefined; });
    await reopening;
  };

  const readAt = async (offset: number, count: number): Promise<ReadResok> => {
    for (let attempt = 0; ; attempt++) {
      if (reopening) await reopening;
      const st = state;
      if (st.opened && st.epoch !== s.stateEpoch && !done) await reopen(st);
      const ops = [op(putfhOp, { object: ctx.fh }), op(readOp, { stateid: state.stateid, offset: BigInt(offset), count })];
      const res = await s.compoundRaw(ops);
      if (res.status === NFS4_OK) return resultOf(res, 1, readOp).resok!;
      if (STATE_LOST.has(res.status) && attempt < 3 && !done) {
        debug('READ %s @%d: %s, re-opening', ctx.path, offset, statusName(res.status));
        await reopen(st);
        continue;
      }
      throw s.errorFor(res, ops, ctx.path);
    }
  };

  const limit = ctx.end === undefined ? Number.MAX_SAFE_INTEGER : ctx.end + 1;
  // Plan reads up to the size OPEN reported (at least one READ, to see EOF); a
  // file that grows is followed one chunk at a time.
  let planned = Math.min(limit, Math.max(state.size, ctx.start + 1));
  let next = ctx.start;
  const queue: { offset: number; count: number; p: Promise<Outcome> }[] = [];
  const request = (offset: number, count: number) => ({
    offset, count, p: readAt(offset, count).then((ok): Outcome => ({ ok }), (err: unknown): Outcome => ({ err })),
  });
  const fill = (): void => {
    while (queue.length < ctx.depth && next < planned) {
      const count = Math.min(ctx.chunkSize, limit - next);
      queue.push(request(next, count));
      next += count;
    }
  };

  try {
    fill();
    while (queue.length > 0) {
      const head = queue.shift()!;
      const out = await head.p;
      if ('err' in out) throw out.err;
      const { eof, data } = out.ok;
      if (data.length > head.count) throw new ProtocolError(`READ ${ctx.path} @${head.offset}: ${data.length} bytes for a ${head.count}-byte request`);
      if (data.length > 0) yield data;
      if (eof) return;
      if (data.length < head.count) {
        if (data.length === 0) throw new ProtocolError(`READ ${ctx.path} @${head.offset}: no data and no EOF`);
        queue.unshift(request(head.offset + data.length, head.count - data.length));
      }
      if (queue.length === 0 && next >= planned && next < limit) planned = Math.min(limit, next + ctx.chunkSize);
      fill();
    }
  } finally {
    done = true;
    // In-flight READs settle on their own (their outcomes are caught above).
    if (state.opened) await closeOpen(ctx, state.stateid);
  }
}

async function openForRead(ctx: ReadStreamContext): Promise<OpenState> {
  const s = ctx.session;
  const epoch = s.stateEpoch;
  const ops = [
    op(putfhOp, { object: ctx.fh }),
    op(openOp, {
      seqid: 0,
      shareAccess: OPEN4_SHARE_ACCESS_READ | OPEN4_SHARE_ACCESS_WANT_NO_DELEG,
      shareDeny: OPEN4_SHARE_DENY_NONE,
      owner: { clientid: s.clientId ?? 0n, owner: ctx.owner },
      openhow: { opentype: OPEN4_NOCREATE },
      claim: { claim: CLAIM_FH },
    }),
    op(getattrOp, { attrRequest: [FATTR4.SIZE] }),
  ];
  const res = await s.compoundRaw(ops);
  if (res.status === NFS4_OK) {
    const o = resultOf(res, 1, openOp).resok!;
    const size = Number(decodeFattr(resultOf(res, 2, getattrOp).resok!.objAttributes, ctx.attrs).size ?? 0n);
    return { stateid: { seqid: o.stateid.seqid, other: Buffer.from(o.stateid.other) }, opened: true, epoch, size };
  }
  if (res.results.length === 2 && OPEN_FALLBACK.has(res.status)) {
    debug('OPEN %s refused (%s): reading with the READ-bypass stateid', ctx.path, statusName(res.status));
    return { stateid: READ_BYPASS_STATEID, opened: false, epoch, size: 0 };
  }
  throw s.errorFor(res, ops, ctx.path);
}

async function closeOpen(ctx: ReadStreamContext, stateid: Stateid4): Promise<void> {
  try {
    const res = await ctx.session.compoundRaw([op(putfhOp, { object: ctx.fh }), op(closeOp, { seqid: 0, openStateid: stateid })]);
    if (res.status !== NFS4_OK) debug('CLOSE %s: %s', ctx.path, statusName(res.status));
  } catch (e) {
    debug('CLOSE %s: %s', ctx.path, (e as Error).message);
  }
}

export function isNfsStatus(e: unknown, status: number): boolean {
  return e instanceof NfsError && e.status === status;
}
