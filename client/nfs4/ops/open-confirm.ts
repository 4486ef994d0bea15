import { OP } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import { decodeStateid4, encodeStateid4, type Stateid4 } from '../types.js';

/**
 * NFSv4.0 only, RFC 7530 §16.18:
 *   struct OPEN_CONFIRM4args { stateid4 open_stateid; seqid4 seqid; };
 *   struct OPEN_CONFIRM4resok { stateid4 open_stateid; };
 *   union OPEN_CONFIRM4res switch (nfsstat4 status) { case NFS4_OK: OPEN_CONFIRM4resok resok4; default: void; };
 */
export interface OpenConfirmArgs {
  openStateid: Stateid4;
  seqid: number;
}
export interface OpenConfirmResok {
  openStateid: Stateid4;
}
export type OpenConfirmRes = UnionRes<OpenConfirmResok>;
export const openConfirmOp: OpCodec<OpenConfirmArgs, OpenConfirmRes> = {
  op: OP.OPEN_CONFIRM,
  name: 'OPEN_CONFIRM',
  encodeArgs(w, a) {
    encodeStateid4(w, a.openStateid);
    w.uint32(a.seqid);
  },
  decodeArgs(r) {
    return { openStateid: decodeStateid4(r), seqid: r.uint32() };
  },
  ...unionRes<OpenConfirmResok>('OPEN_CONFIRM', (w, v) => encodeStateid4(w, v.openStateid),
    (r) => ({ openStateid: decodeStateid4(r) })),
};
