import { OP } from '../constants.js';
import { voidOp } from '../op-codec.js';

/** RFC 8881 §18.28: SAVEFH has void args; struct SAVEFH4res { nfsstat4 status; }; */
export const savefhOp = voidOp(OP.SAVEFH, 'SAVEFH');
