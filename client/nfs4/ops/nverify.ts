import { OP } from '../constants.js';
import { decodeFattr4, encodeFattr4 } from '../fattr.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';
import type { VerifyArgs } from './verify.js';

/**
 * RFC 8881 §18.15:
 *   struct NVERIFY4args { fattr4 obj_attributes; };
 *   struct NVERIFY4res { nfsstat4 status; };
 * NFS4_OK when different, NFS4ERR_SAME when equal.
 */
export type NverifyArgs = VerifyArgs;
export const nverifyOp: OpCodec<NverifyArgs, StatusRes> = {
  op: OP.NVERIFY,
  name: 'NVERIFY',
  encodeArgs(w, a) {
    encodeFattr4(w, a.objAttributes);
  },
  decodeArgs(r) {
    return { objAttributes: decodeFattr4(r) };
  },
  ...statusRes,
};
