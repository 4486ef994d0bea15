import { OP } from '../constants.js';
import { decodeFattr4, encodeFattr4, type RawFattr } from '../fattr.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';

/**
 * RFC 8881 §18.31:
 *   struct VERIFY4args { fattr4 obj_attributes; };
 *   struct VERIFY4res { nfsstat4 status; };
 * NFS4_OK when equal, NFS4ERR_NOT_SAME when not.
 */
export interface VerifyArgs {
  objAttributes: RawFattr;
}
export const verifyOp: OpCodec<VerifyArgs, StatusRes> = {
  op: OP.VERIFY,
  name: 'VERIFY',
  encodeArgs(w, a) {
    encodeFattr4(w, a.objAttributes);
  },
  decodeArgs(r) {
    return { objAttributes: decodeFattr4(r) };
  },
  ...statusRes,
};
