import { OP } from '../constants.js';
import { voidOp } from '../op-codec.js';

/** RFC 8881 §18.14: LOOKUPP has void args (uses the current fh); struct LOOKUPP4res { nfsstat4 status; }; */
export const lookuppOp = voidOp(OP.LOOKUPP, 'LOOKUPP');
