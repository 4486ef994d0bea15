import { OP } from '../constants.js';
import { decodeBitmap4, encodeBitmap4, type Bitmap4 } from '../bitmap.js';
import { decodeFattr4, encodeFattr4, type RawFattr } from '../fattr.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';

/**
 * RFC 8881 §18.7:
 *   struct GETATTR4args { bitmap4 attr_request; };
 *   struct GETATTR4resok { fattr4 obj_attributes; };
 *   union GETATTR4res switch (nfsstat4 status) { case NFS4_OK: GETATTR4resok resok4; default: void; };
 * The server reads `attrRequest` as a list of attribute numbers (unknown ones
 * included, to be cleared in its reply); the client decodes objAttributes with
 * decodeFattr(raw, attrConfig).
 */
export interface GetattrArgs {
  attrRequest: Bitmap4;
}
export interface GetattrResok {
  objAttributes: RawFattr;
}
export type GetattrRes = UnionRes<GetattrResok>;
export const getattrOp: OpCodec<GetattrArgs, GetattrRes> = {
  op: OP.GETATTR,
  name: 'GETATTR',
  encodeArgs(w, a) {
    encodeBitmap4(w, a.attrRequest);
  },
  decodeArgs(r) {
    return { attrRequest: decodeBitmap4(r) };
  },
  ...unionRes<GetattrResok>('GETATTR', (w, v) => encodeFattr4(w, v.objAttributes), (r) => ({ objAttributes: decodeFattr4(r) })),
};
