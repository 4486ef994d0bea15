import { OP } from '../constants.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';
import { decodeStateid4, encodeStateid4, type Stateid4 } from '../types.js';

/**
 * RFC 8881 §18.38:
 *   struct FREE_STATEID4args { stateid4 fsa_stateid; };
 *   struct FREE_STATEID4res { nfsstat4 fsr_status; };
 */
export interface FreeStateidArgs {
  stateid: Stateid4;
}
export const freeStateidOp: OpCodec<FreeStateidArgs, StatusRes> = {
  op: OP.FREE_STATEID,
  name: 'FREE_STATEID',
  encodeArgs(w, a) {
    encodeStateid4(w, a.stateid);
  },
  decodeArgs(r) {
    return { stateid: decodeStateid4(r) };
  },
  ...statusRes,
};
