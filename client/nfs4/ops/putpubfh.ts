import { OP } from '../constants.js';
import { voidOp } from '../op-codec.js';

/** RFC 8881 §18.20: PUTPUBFH has void args; struct PUTPUBFH4res { nfsstat4 status; }; */
export const putpubfhOp = voidOp(OP.PUTPUBFH, 'PUTPUBFH');
