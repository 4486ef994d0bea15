import { OP } from '../constants.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';
import { decodeNfsFh4, encodeNfsFh4 } from '../types.js';

/**
 * RFC 8881 §18.19:
 *   struct PUTFH4args { nfs_fh4 object; };
 *   struct PUTFH4res { nfsstat4 status; };
 */
export interface PutfhArgs {
  object: Buffer;
}
export const putfhOp: OpCodec<PutfhArgs, StatusRes> = {
  op: OP.PUTFH,
  name: 'PUTFH',
  encodeArgs(w, a) {
    encodeNfsFh4(w, a.object);
  },
  decodeArgs(r) {
    return { object: decodeNfsFh4(r) };
  },
  ...statusRes,
};
