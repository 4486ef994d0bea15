import { OP } from '../constants.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';

/**
 * RFC 8881 §18.51:
 *   struct RECLAIM_COMPLETE4args { bool rca_one_fs; };
 *   struct RECLAIM_COMPLETE4res { nfsstat4 rcr_status; };
 */
export interface ReclaimCompleteArgs {
  oneFs: boolean;
}
export const reclaimCompleteOp: OpCodec<ReclaimCompleteArgs, StatusRes> = {
  op: OP.RECLAIM_COMPLETE,
  name: 'RECLAIM_COMPLETE',
  encodeArgs(w, a) {
    w.bool(a.oneFs);
  },
  decodeArgs(r) {
    return { oneFs: r.bool() };
  },
  ...statusRes,
};
