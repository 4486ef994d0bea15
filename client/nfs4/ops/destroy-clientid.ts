import { OP } from '../constants.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';

/**
 * RFC 8881 §18.50:
 *   struct DESTROY_CLIENTID4args { clientid4 dca_clientid; };
 *   struct DESTROY_CLIENTID4res { nfsstat4 dcr_status; };
 */
export interface DestroyClientidArgs {
  clientid: bigint;
}
export const destroyClientidOp: OpCodec<DestroyClientidArgs, StatusRes> = {
  op: OP.DESTROY_CLIENTID,
  name: 'DESTROY_CLIENTID',
  encodeArgs(w, a) {
    w.uint64(a.clientid);
  },
  decodeArgs(r) {
    return { clientid: r.uint64() };
  },
  ...statusRes,
};
