import { debuglog } from 'node:util';
import { ProtocolError, XdrError } from '../errors.js';
import { decodeCompound4Res, encodeCompound4Args } from '../nfs4/compound.js';
import { NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND } from '../nfs4/constants.js';
import type { AnyOpCodec, ArgsOf, ResOf } from '../nfs4/op-codec.js';
import type { RpcClient } from '../rpc/rpc-client.js';
import { XdrWriter } from '../xdr/xdr-writer.js';

const debug = debuglog('imafs:client');

/** One operation to send: its codec and arguments. */
export interface OpCall {
  codec: AnyOpCodec;
  args: unknown;
}

export function op<C extends AnyOpCodec>(codec: C, args: ArgsOf<C>): OpCall {
  return { codec, args };
}

/** COMPOUND4res without the tag: results[i] answers ops[i]; the last one failed when status is not OK. */
export interface CompoundResult {
  status: number;
  results: { status: number }[];
}

/** Typed access to result i (the caller knows which codec produced it). */
export function resultOf<C extends AnyOpCodec>(res: CompoundResult, i: number, _codec: C): ResOf<C> {
  return res.results[i] as ResOf<C>;
}

/**
 * One COMPOUND (RFC 8881 §16.2) over the RPC client: encodes with the nfs4
 * COMPOUND codec, decodes the reply against the ops we sent (which checks
 * the result order and status rules of §16.2.3), and turns malformed replies
 * into ProtocolError. The arguments go out as the writer's chunks (writev).
 */
export async function callCompound(rpc: RpcClient, minorVersion: number, ops: OpCall[], timeoutMs: number): Promise<CompoundResult> {
  const w = new XdrWriter(256);
  const argarray = new Array<{ op: number; args: unknown }>(ops.length);
  const sent = new Array<number>(ops.length);
  for (let i = 0; i < ops.length; i++) {
    sent[i] = ops[i].codec.op;
    argarray[i] = { op: sent[i], args: ops[i].args };
  }
  encodeCompound4Args(w, { tag: '', minorVersion, argarray });
  const r = await rpc.call(NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND, w.chunks(), { timeoutMs });
  try {
    const res = decodeCompound4Res(r, sent);
    return { status: res.status, results: res.resarray.map((x) => x.res) };
  } catch (e) {
    if (!(e instanceof XdrError)) throw e;
    debug('malformed COMPOUND reply: %s', e.message);
    throw new ProtocolError(`malformed COMPOUND reply: ${e.message}`, { cause: e });
  }
}
