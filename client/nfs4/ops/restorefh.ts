import { OP } from '../constants.js';
import { voidOp } from '../op-codec.js';

/** RFC 8881 §18.27: RESTOREFH has void args; struct RESTOREFH4res { nfsstat4 status; }; */
export const restorefhOp = voidOp(OP.RESTOREFH, 'RESTOREFH');
