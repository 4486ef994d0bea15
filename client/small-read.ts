import { debuglog } from 'node:util';
import { DEFAULT_MAX_OPS } from './nfs4/compound.js';
import { ANONYMOUS_STATEID } from './nfs4/constants.js';
import { putfhOp } from './nfs4/ops/putfh.js';
import { readOp } from './nfs4/ops/read.js';
import { NFS4_OK } from './nfs4/status.js';
import { op, resultOf, type OpCall } from './session/compound-call.js';
import type { NfsSession } from './session/nfs-session.js';

const debug = debuglog('imafs:client');

export interface SmallFile {
  fh: Buffer;
  /** Size the caller believes the file has (from a listing); the READ asks for one byte more. */
  size: number;
}

/** Bytes of a reply besides READ data: COMPOUND + SEQUENCE headers, slack. */
const REPLY_BASE = 512;
/** Per file: PUTFH status, READ status, eof, data length, padding. */
const REPLY_PER_FILE = 32;
/** Per file in the request: PUTFH (opcode, fh<128>) and READ (opcode, stateid, offset, count). */
const REQUEST_PER_FILE = 4 + 4 + 128 + 4 + 16 + 8 + 4;
const REQUEST_BASE = 512;

function maxOpsOf(session: NfsSession): number {
  // The COMPOUND encoder's own bound applies even if a server grants more.
  return session.maxOperations > 0 ? Math.min(session.maxOperations, DEFAULT_MAX_OPS) : 16;
}

/** Files per COMPOUND allowed by the operation count alone: SEQUENCE + (PUTFH, READ) per file. */
export function smallBatchMaxFiles(session: NfsSession): number {
  return Math.max(1, (maxOpsOf(session) - 1) >> 1);
}

/**
 * Splits `files` into COMPOUNDs within the session's limits (ca_maxoperations,
 * ca_maxrequestsize, ca_maxresponsesize), in order, as indexes into `files`.
 * Files larger than one READ (`maxCount`) are in no batch.
 */
export function planSmallBatches(session: NfsSession, files: readonly SmallFile[], maxCount: number): number[][] {
  const maxOps = maxOpsOf(session);
  const maxResp = session.maxResponseSize > 0 ? session.maxResponseSize : 64 * 1024;
  const maxReq = session.maxRequestSize > 0 ? session.maxRequestSize : 64 * 1024;
  const batches: number[][] = [];
  let cur: number[] = [];
  let resp = REPLY_BASE;
  let req = REQUEST_BASE;
  files.forEach((f, i) => {
    const count = f.size + 1;
    if (count > maxCount) return; // larger than one READ: left to the caller
    const r = REPLY_PER_FILE + count + 3;
    const q = REQUEST_PER_FILE + f.fh.length;
    if (cur.length > 0 && ((cur.length + 1) * 2 + 1 > maxOps || resp + r > maxResp || req + q > maxReq)) {
      batches.push(cur);
      cur = [];
      resp = REPLY_BASE;
      req = REQUEST_BASE;
    }
    cur.push(i);
    resp += r;
    req += q;
  });
  if (cur.length > 0) batches.push(cur);
  return batches;
}

/**
 * Whole small files with READ under the anonymous stateid (RFC 8881 §8.2.3),
 * several files per COMPOUND: SEQUENCE, PUTFH a, READ a, PUTFH b, READ b ...
 * No OPEN/CLOSE round trips. A file comes back only when the server says
 * eof within the count asked (size + 1, so a file that grew is seen);
 * otherwise (any error, short read, grown file) its slot is null and the
 * caller reads it the ordinary way (OPEN/READ/CLOSE). The Buffers are views
 * into the reply records.
 */
export async function readSmallBatch(session: NfsSession, files: readonly SmallFile[], maxCount: number): Promise<(Buffer | null)[]> {
  const out: (Buffer | null)[] = new Array(files.length).fill(null);
  const batches = planSmallBatches(session, files, maxCount);
  await Promise.all(batches.map(async (b) => {
    const ops = new Array<OpCall>(2 * b.length);
    for (let k = 0; k < b.length; k++) {
      const f = files[b[k]];
      ops[2 * k] = op(putfhOp, { object: f.fh });
      ops[2 * k + 1] = op(readOp, { stateid: ANONYMOUS_STATEID, offset: 0n, count: f.size + 1 });
    }
    // Transport trouble is left to the fallback path, which reports it properly.
    const res = await session.compoundRaw(ops).catch((e: unknown) => { debug('small READ batch failed: %s', (e as Error)?.message); return null; });
    if (!res) return;
    // A failing op ends the COMPOUND; files read before it are still good.
    for (let k = 0; k < b.length; k++) {
      const rr = res.results[2 * k + 1];
      if (!rr || rr.status !== NFS4_OK) break;
      const ok = resultOf(res, 2 * k + 1, readOp).resok!;
      if (ok.eof && ok.data.length <= files[b[k]].size) out[b[k]] = ok.data;
    }
    if (res.status !== NFS4_OK) debug('small READ batch of %d stopped with status %d', b.length, res.status);
  }));
  return out;
}
