import { OP } from '../constants.js';
import { voidOp } from '../op-codec.js';

/** RFC 8881 §18.21: PUTROOTFH has void args; struct PUTROOTFH4res { nfsstat4 status; }; */
export const putrootfhOp = voidOp(OP.PUTROOTFH, 'PUTROOTFH');
