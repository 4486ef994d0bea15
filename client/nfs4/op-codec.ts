import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';
import { UsageError } from '../errors.js';
import { NFS4_OK } from './status.js';

/**
 * One NFSv4 operation's codec, both directions (CONTRIBUTING "NFS4 op codecs"):
 * the client encodes args and decodes results, `imafs serve` the reverse.
 * All four are pure functions over XdrReader/XdrWriter.
 */
export interface OpCodec<A, R extends { status: number }> {
  op: number;
  name: string;
  encodeArgs(w: XdrWriter, a: A): void;
  decodeArgs(r: XdrReader): A;
  encodeRes(w: XdrWriter, r: R): void;
  decodeRes(r: XdrReader): R;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOpCodec = OpCodec<any, { status: number }>;
export type ArgsOf<C> = C extends OpCodec<infer A, infer _R> ? A : never;
export type ResOf<C> = C extends OpCodec<infer _A, infer R> ? R : never;

/** Operations whose arguments are void (PUTROOTFH, SAVEFH, ...). */
export type NoArgs = Record<string, never>;
export const NO_ARGS: NoArgs = Object.freeze({}) as NoArgs;

/**
 * nfsstat4 is an enum, but decoded as a plain uint32: servers add statuses
 * (NFS4ERR_INTEGRITY has no fixed number) and an unknown one must still reach
 * the caller as an NfsError carrying its number, not as an XDR failure.
 */
export function decodeStatus(r: XdrReader): number {
  return r.uint32();
}

/** Result of an op whose XDR is `union XXX4res switch (nfsstat4 status) { case NFS4_OK: XXX4resok resok4; default: void; }`. */
export interface UnionRes<T> {
  status: number;
  /** Present exactly when status is NFS4_OK. */
  resok?: T;
}

/** Codec halves for a `switch (nfsstat4)` result with a resok arm. */
export function unionRes<T>(
  name: string, encOk: (w: XdrWriter, v: T) => void, decOk: (r: XdrReader) => T,
): Pick<OpCodec<unknown, UnionRes<T>>, 'encodeRes' | 'decodeRes'> {
  return {
    encodeRes(w, res) {
      w.uint32(res.status);
      if (res.status !== NFS4_OK) return;
      if (res.resok === undefined) throw new UsageError(`${name}: NFS4_OK result without resok`);
      encOk(w, res.resok);
    },
    decodeRes(r) {
      const status = decodeStatus(r);
      return status === NFS4_OK ? { status, resok: decOk(r) } : { status };
    },
  };
}

/** Result that is only a status: `struct XXX4res { nfsstat4 status; };`. */
export interface StatusRes {
  status: number;
}
export const statusRes: Pick<OpCodec<unknown, StatusRes>, 'encodeRes' | 'decodeRes'> = {
  encodeRes(w, res) {
    w.uint32(res.status);
  },
  decodeRes(r) {
    return { status: decodeStatus(r) };
  },
};

/** An op with void arguments and a status-only result (PUTROOTFH, LOOKUPP, SAVEFH, ...). */
export function voidOp(op: number, name: string): OpCodec<NoArgs, StatusRes> {
  return {
    op,
    name,
    encodeArgs() {},
    decodeArgs() {
      return NO_ARGS;
    },
    ...statusRes,
  };
}
