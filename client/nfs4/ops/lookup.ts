import { OP } from '../constants.js';
import { statusRes, type OpCodec, type StatusRes } from '../op-codec.js';
import { decodeComponent4, encodeComponent4 } from '../types.js';

/**
 * RFC 8881 §18.13:
 *   struct LOOKUP4args { component4 objname; };
 *   struct LOOKUP4res { nfsstat4 status; };
 */
export interface LookupArgs {
  objname: string;
}
export const lookupOp: OpCodec<LookupArgs, StatusRes> = {
  op: OP.LOOKUP,
  name: 'LOOKUP',
  encodeArgs(w, a) {
    encodeComponent4(w, a.objname);
  },
  decodeArgs(r) {
    return { objname: decodeComponent4(r) };
  },
  ...statusRes,
};
