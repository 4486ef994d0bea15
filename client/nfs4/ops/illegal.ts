import { OP } from '../constants.js';
import { voidOp } from '../op-codec.js';

/**
 * RFC 8881 §18.52: ILLEGAL has no args; struct ILLEGAL4res { nfsstat4 status; };
 * A server answers an undefined opnum with resop OP_ILLEGAL, status NFS4ERR_OP_ILLEGAL
 * (RFC 8881 §15.2, §16.2.3), so a client may see it in place of any op it sent.
 */
export const illegalOp = voidOp(OP.ILLEGAL, 'ILLEGAL');
