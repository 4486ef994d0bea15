import { OP } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import { decodeStateid4, encodeStateid4, type Stateid4 } from '../types.js';

/**
 * RFC 8881 §18.2:
 *   struct CLOSE4args { seqid4 seqid; stateid4 open_stateid; };
 *   union CLOSE4res switch (nfsstat4 status) { case NFS4_OK: stateid4 open_stateid; default: void; };
 * (4.1 ignores seqid; 4.0 uses it, RFC 7530 §16.2.)
 */
export interface CloseArgs {
  seqid: number;
  openStateid: Stateid4;
}
export interface CloseResok {
  openStateid: Stateid4;
}
export type CloseRes = UnionRes<CloseResok>;
export const closeOp: OpCodec<CloseArgs, CloseRes> = {
  op: OP.CLOSE,
  name: 'CLOSE',
  encodeArgs(w, a) {
    w.uint32(a.seqid);
    encodeStateid4(w, a.openStateid);
  },
  decodeArgs(r) {
    return { seqid: r.uint32(), openStateid: decodeStateid4(r) };
  },
  ...unionRes<CloseResok>('CLOSE', (w, v) => encodeStateid4(w, v.openStateid), (r) => ({ openStateid: decodeStateid4(r) })),
};
