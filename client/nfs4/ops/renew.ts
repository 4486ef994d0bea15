import { OP } from '../constants.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';

/**
 * NFSv4.0 only, RFC 7530 §16.28:
 *   struct RENEW4args { clientid4 clientid; };
 *   struct RENEW4res { nfsstat4 status; };
 */
export interface RenewArgs {
  clientid: bigint;
}
export const renewOp: OpCodec<RenewArgs, StatusRes> = {
  op: OP.RENEW,
  name: 'RENEW',
  encodeArgs(w, a) {
    w.uint64(a.clientid);
  },
  decodeArgs(r) {
    return { clientid: r.uint64() };
  },
  ...statusRes,
};
