import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';
import { decodeComponent4, decodeUtf8str, encodeComponent4, encodeUtf8str } from './types.js';

/** The protocol bounds none of these lists; imafs does, to keep hostile replies cheap. */
const MAX_ACES = 1024;
const MAX_PATH_COMPONENTS = 256;
const MAX_LOCATIONS = 64;
const MAX_SERVERS = 64;

/** RFC 8881 §6.2.1: struct nfsace4 { acetype4 type; aceflag4 flag; acemask4 access_mask; utf8str_mixed who; }; */
export interface Nfsace4 {
  type: number;
  flag: number;
  accessMask: number;
  who: string;
}
function encodeAce(w: XdrWriter, a: Nfsace4): void {
  w.uint32(a.type).uint32(a.flag).uint32(a.accessMask);
  encodeUtf8str(w, a.who, 'nfsace4.who');
}
export function decodeNfsace4(r: XdrReader): Nfsace4 {
  return { type: r.uint32(), flag: r.uint32(), accessMask: r.uint32(), who: decodeUtf8str(r, 'nfsace4.who') };
}
export { encodeAce as encodeNfsace4 };

/** RFC 8881 §5.6 attribute 12: fattr4_acl = nfsace4<>. */
export function encodeAcl(w: XdrWriter, aces: Nfsace4[]): void {
  w.array(aces, MAX_ACES, encodeAce, 'nfsace4<>');
}
export function decodeAcl(r: XdrReader): Nfsace4[] {
  return r.array(MAX_ACES, decodeNfsace4, 'nfsace4<>');
}

/** RFC 8881 §6.2.3: struct nfsacl41 { aclflag4 na41_flag; nfsace4 na41_aces<>; }; */
export interface Nfsacl41 {
  flag: number;
  aces: Nfsace4[];
}
export function encodeNfsacl41(w: XdrWriter, a: Nfsacl41): void {
  w.uint32(a.flag);
  encodeAcl(w, a.aces);
}
export function decodeNfsacl41(r: XdrReader): Nfsacl41 {
  return { flag: r.uint32(), aces: decodeAcl(r) };
}

/**
 * RFC 8881 §11.15:
 *   typedef component4 pathname4<>;
 *   struct fs_location4 { utf8str_cis server<>; pathname4 rootpath; };
 *   struct fs_locations4 { pathname4 fs_root; fs_location4 locations<>; };
 */
export interface FsLocations4 {
  fsRoot: string[];
  locations: { server: string[]; rootpath: string[] }[];
}
const encPath = (w: XdrWriter, p: string[]): void => void w.array(p, MAX_PATH_COMPONENTS, encodeComponent4, 'pathname4');
const decPath = (r: XdrReader): string[] => r.array(MAX_PATH_COMPONENTS, decodeComponent4, 'pathname4');

export function encodeFsLocations4(w: XdrWriter, f: FsLocations4): void {
  encPath(w, f.fsRoot);
  w.array(f.locations, MAX_LOCATIONS, (ww, l) => {
    ww.array(l.server, MAX_SERVERS, (w3, s) => encodeUtf8str(w3, s, 'fs_location4.server'), 'server<>');
    encPath(ww, l.rootpath);
  }, 'fs_location4<>');
}
export function decodeFsLocations4(r: XdrReader): FsLocations4 {
  return {
    fsRoot: decPath(r),
    locations: r.array(MAX_LOCATIONS, (rr) => ({
      server: rr.array(MAX_SERVERS, (r3) => decodeUtf8str(r3, 'fs_location4.server'), 'server<>'),
      rootpath: decPath(rr),
    }), 'fs_location4<>'),
  };
}
