import { OP } from '../constants.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';
import { decodeSessionid4, encodeSessionid4 } from '../types.js';

/**
 * RFC 8881 §18.37:
 *   struct DESTROY_SESSION4args { sessionid4 dsa_sessionid; };
 *   struct DESTROY_SESSION4res { nfsstat4 dsr_status; };
 */
export interface DestroySessionArgs {
  sessionid: Buffer;
}
export const destroySessionOp: OpCodec<DestroySessionArgs, StatusRes> = {
  op: OP.DESTROY_SESSION,
  name: 'DESTROY_SESSION',
  encodeArgs(w, a) {
    encodeSessionid4(w, a.sessionid);
  },
  decodeArgs(r) {
    return { sessionid: decodeSessionid4(r) };
  },
  ...statusRes,
};
