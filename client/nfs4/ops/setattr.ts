import { OP } from '../constants.js';
import { decodeBitmap4, encodeBitmap4, type Bitmap4 } from '../bitmap.js';
import { decodeFattr4, encodeFattr4, type RawFattr } from '../fattr.js';
import { decodeStatus, type OpCodec } from '../op-codec.js';
import { decodeStateid4, encodeStateid4, type Stateid4 } from '../types.js';

/**
 * RFC 8881 §18.30:
 *   struct SETATTR4args { stateid4 stateid; fattr4 obj_attributes; };
 *   struct SETATTR4res { nfsstat4 status; bitmap4 attrsset; };
 * attrsset is present whatever the status (the attributes set before a failure).
 */
export interface SetattrArgs {
  stateid: Stateid4;
  objAttributes: RawFattr;
}
export interface SetattrRes {
  status: number;
  attrsset: Bitmap4;
}
export const setattrOp: OpCodec<SetattrArgs, SetattrRes> = {
  op: OP.SETATTR,
  name: 'SETATTR',
  encodeArgs(w, a) {
    encodeStateid4(w, a.stateid);
    encodeFattr4(w, a.objAttributes);
  },
  decodeArgs(r) {
    return { stateid: decodeStateid4(r), objAttributes: decodeFattr4(r) };
  },
  encodeRes(w, res) {
    w.uint32(res.status);
    // A generic error path may build `{ status }` alone; the XDR still needs the bitmap.
    encodeBitmap4(w, res.attrsset ?? []);
  },
  decodeRes(r) {
    return { status: decodeStatus(r), attrsset: decodeBitmap4(r) };
  },
};
