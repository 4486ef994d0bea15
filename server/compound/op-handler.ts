/**
 * A server-side operation: the shared op codec (client/nfs4/ops, read with
 * decodeArgs, written with encodeRes) plus what the server does.
 *
 * `run` returns the op's result or throws NfsStatus / FsError; `fail` builds
 * the result for a non-OK status when the op's XDR has more than a status in
 * that case (SETATTR's attrsset).
 */
import type { AnyOpCodec } from '../../client/nfs4/op-codec.js';
import type { OpContext } from './op-context.js';

export interface OpHandler {
  codec: AnyOpCodec;
  /** Lowest and highest minor version that has this op implemented (others: NFS4ERR_NOTSUPP). */
  minors?: readonly [number, number];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(ctx: OpContext, args: any): Promise<{ status: number }> | { status: number };
  fail?(status: number): { status: number };
}

export type HandlerTable = ReadonlyMap<number, OpHandler>;

export function handlerTable(list: readonly OpHandler[]): HandlerTable {
  return new Map(list.map((h) => [h.codec.op, h]));
}
