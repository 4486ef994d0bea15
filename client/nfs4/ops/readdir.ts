import { OP } from '../constants.js';
import { decodeBitmap4, encodeBitmap4, type Bitmap4 } from '../bitmap.js';
import { decodeFattr4, encodeFattr4, type RawFattr } from '../fattr.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import { decodeComponent4, decodeVerifier4, encodeComponent4, encodeVerifier4 } from '../types.js';

/**
 * RFC 8881 §18.23:
 *   struct READDIR4args { nfs_cookie4 cookie; verifier4 cookieverf; count4 dircount;
 *                         count4 maxcount; bitmap4 attr_request; };
 *   struct entry4 { nfs_cookie4 cookie; component4 name; fattr4 attrs; entry4 *nextentry; };
 *   struct dirlist4 { entry4 *entries; bool eof; };
 *   struct READDIR4resok { verifier4 cookieverf; dirlist4 reply; };
 *   union READDIR4res switch (nfsstat4 status) { case NFS4_OK: READDIR4resok resok4; default: void; };
 * The entry list is optional-data linked; it is decoded iteratively (XdrReader.list)
 * and bounded by MAX_READDIR_ENTRIES. Each entry's attrs stay raw: the caller
 * decodes them with its AttrConfig (and checks rdattr_error).
 */
export const MAX_READDIR_ENTRIES = 65536;

export interface ReaddirArgs {
  cookie: bigint;
  cookieverf: Buffer;
  dircount: number;
  maxcount: number;
  attrRequest: Bitmap4;
}
export interface Entry4 {
  cookie: bigint;
  name: string;
  attrs: RawFattr;
}
export interface ReaddirResok {
  cookieverf: Buffer;
  entries: Entry4[];
  eof: boolean;
}
export type ReaddirRes = UnionRes<ReaddirResok>;

const padded = (n: number): number => (n + 3) & ~3;
/**
 * Bytes one entry4 adds to a READDIR4resok, including the "value follows" bool in
 * front of it, so a server can honour maxcount (RFC 8881 §18.23.3) before encoding.
 */
export function encodedEntry4Size(e: Entry4): number {
  const maskWords = e.attrs.attrmask.length === 0 ? 0 : (e.attrs.attrmask[e.attrs.attrmask.length - 1] >>> 5) + 1;
  return 4 + 8 + 4 + padded(Buffer.byteLength(e.name, 'utf8')) + 4 + 4 * maskWords + 4 + padded(e.attrs.attrVals.length);
}
/** Fixed part of READDIR4res with NFS4_OK: status, cookieverf, the list's final FALSE, eof. */
export const READDIR_RES_OVERHEAD = 4 + 8 + 4 + 4;

export const readdirOp: OpCodec<ReaddirArgs, ReaddirRes> = {
  op: OP.READDIR,
  name: 'READDIR',
  encodeArgs(w, a) {
    w.uint64(a.cookie);
    encodeVerifier4(w, a.cookieverf);
    w.uint32(a.dircount).uint32(a.maxcount);
    encodeBitmap4(w, a.attrRequest);
  },
  decodeArgs(r) {
    return {
      cookie: r.uint64(),
      cookieverf: decodeVerifier4(r),
      dircount: r.uint32(),
      maxcount: r.uint32(),
      attrRequest: decodeBitmap4(r),
    };
  },
  ...unionRes<ReaddirResok>(
    'READDIR',
    (w, v) => {
      encodeVerifier4(w, v.cookieverf);
      w.list(v.entries, (ww, e) => {
        ww.uint64(e.cookie);
        encodeComponent4(ww, e.name);
        encodeFattr4(ww, e.attrs);
      });
      w.bool(v.eof);
    },
    (r) => ({
      cookieverf: decodeVerifier4(r),
      entries: r.list(MAX_READDIR_ENTRIES, (rr) => ({ cookie: rr.uint64(), name: decodeComponent4(rr), attrs: decodeFattr4(rr) }), 'entry4'),
      eof: r.bool(),
    }),
  ),
};
