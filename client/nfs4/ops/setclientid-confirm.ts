import { OP } from '../constants.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';
import { decodeVerifier4, encodeVerifier4 } from '../types.js';

/**
 * NFSv4.0 only, RFC 7530 §16.34:
 *   struct SETCLIENTID_CONFIRM4args { clientid4 clientid; verifier4 setclientid_confirm; };
 *   struct SETCLIENTID_CONFIRM4res { nfsstat4 status; };
 */
export interface SetclientidConfirmArgs {
  clientid: bigint;
  setclientidConfirm: Buffer;
}
export const setclientidConfirmOp: OpCodec<SetclientidConfirmArgs, StatusRes> = {
  op: OP.SETCLIENTID_CONFIRM,
  name: 'SETCLIENTID_CONFIRM',
  encodeArgs(w, a) {
    w.uint64(a.clientid);
    encodeVerifier4(w, a.setclientidConfirm);
  },
  decodeArgs(r) {
    return { clientid: r.uint64(), setclientidConfirm: decodeVerifier4(r) };
  },
  ...statusRes,
};
