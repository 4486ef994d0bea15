import type { XdrReader } from '../../xdr/xdr-reader.js';
import type { XdrWriter } from '../../xdr/xdr-writer.js';
import {
  CLAIM_DELEG_CUR_FH, CLAIM_DELEG_PREV_FH, CLAIM_DELEGATE_CUR, CLAIM_DELEGATE_PREV, CLAIM_FH, CLAIM_NULL,
  CLAIM_PREVIOUS, EXCLUSIVE4, EXCLUSIVE4_1, GUARDED4, OPEN4_CREATE, OPEN4_NOCREATE, OPEN_DELEGATE_NONE,
  OPEN_DELEGATE_NONE_EXT, OPEN_DELEGATE_READ, OPEN_DELEGATE_WRITE, UNCHECKED4,
} from '../constants.js';
import { decodeFattr4, encodeFattr4, type RawFattr } from '../fattr.js';
import { decodeComponent4, decodeStateid4, decodeVerifier4, encodeComponent4, encodeStateid4, encodeVerifier4,
  type Stateid4 } from '../types.js';

/**
 * RFC 8881 §18.16.1:
 *   enum createmode4 { UNCHECKED4 = 0, GUARDED4 = 1, EXCLUSIVE4 = 2, EXCLUSIVE4_1 = 3 };
 *   struct creatverfattr { verifier4 cva_verf; fattr4 cva_attrs; };
 *   union createhow4 switch (createmode4 mode) {
 *     case UNCHECKED4: case GUARDED4: fattr4 createattrs;
 *     case EXCLUSIVE4: verifier4 createverf;
 *     case EXCLUSIVE4_1: creatverfattr ch_createboth; };
 *   enum opentype4 { OPEN4_NOCREATE = 0, OPEN4_CREATE = 1 };
 *   union openflag4 switch (opentype4 opentype) { case OPEN4_CREATE: createhow4 how; default: void; };
 */
export type Createhow4 =
  | { mode: typeof UNCHECKED4 | typeof GUARDED4; createattrs: RawFattr }
  | { mode: typeof EXCLUSIVE4; createverf: Buffer }
  | { mode: typeof EXCLUSIVE4_1; createverf: Buffer; createattrs: RawFattr };
export type Openflag4 = { opentype: typeof OPEN4_NOCREATE } | { opentype: typeof OPEN4_CREATE; how: Createhow4 };

const CREATEMODES = new Set([UNCHECKED4, GUARDED4, EXCLUSIVE4, EXCLUSIVE4_1]);
const OPENTYPES = new Set([OPEN4_NOCREATE, OPEN4_CREATE]);

export function encodeOpenflag4(w: XdrWriter, f: Openflag4): void {
  w.int32(f.opentype);
  if (f.opentype !== OPEN4_CREATE) return;
  const h = f.how;
  w.int32(h.mode);
  if (h.mode === EXCLUSIVE4) encodeVerifier4(w, h.createverf);
  else if (h.mode === EXCLUSIVE4_1) {
    encodeVerifier4(w, h.createverf);
    encodeFattr4(w, h.createattrs);
  } else encodeFattr4(w, h.createattrs);
}

export function decodeOpenflag4(r: XdrReader): Openflag4 {
  const opentype = r.enumOf<0 | 1>(OPENTYPES, 'opentype4');
  if (opentype === OPEN4_NOCREATE) return { opentype };
  const mode = r.enumOf<0 | 1 | 2 | 3>(CREATEMODES, 'createmode4');
  switch (mode) {
    case EXCLUSIVE4:
      return { opentype, how: { mode, createverf: decodeVerifier4(r) } };
    case EXCLUSIVE4_1:
      return { opentype, how: { mode, createverf: decodeVerifier4(r), createattrs: decodeFattr4(r) } };
    default:
      return { opentype, how: { mode, createattrs: decodeFattr4(r) } };
  }
}

/**
 * RFC 8881 §18.16.1:
 *   struct open_claim_delegate_cur4 { stateid4 delegate_stateid; component4 file; };
 *   union open_claim4 switch (open_claim_type4 claim) {
 *     case CLAIM_NULL: component4 file;
 *     case CLAIM_PREVIOUS: open_delegation_type4 delegate_type;
 *     case CLAIM_DELEGATE_CUR: open_claim_delegate_cur4 delegate_cur_info;
 *     case CLAIM_DELEGATE_PREV: component4 file_delegate_prev;
 *     case CLAIM_FH: void;
 *     case CLAIM_DELEG_PREV_FH: void;
 *     case CLAIM_DELEG_CUR_FH: stateid4 oc_delegate_stateid; };
 * (RFC 7530 4.0 has only the first four arms.)
 */
export type OpenClaim4 =
  | { claim: typeof CLAIM_NULL; file: string }
  | { claim: typeof CLAIM_PREVIOUS; delegateType: number }
  | { claim: typeof CLAIM_DELEGATE_CUR; delegateStateid: Stateid4; file: string }
  | { claim: typeof CLAIM_DELEGATE_PREV; file: string }
  | { claim: typeof CLAIM_FH }
  | { claim: typeof CLAIM_DELEG_PREV_FH }
  | { claim: typeof CLAIM_DELEG_CUR_FH; delegateStateid: Stateid4 };

const CLAIMS = new Set([CLAIM_NULL, CLAIM_PREVIOUS, CLAIM_DELEGATE_CUR, CLAIM_DELEGATE_PREV, CLAIM_FH,
  CLAIM_DELEG_CUR_FH, CLAIM_DELEG_PREV_FH]);
export const DELEGATION_TYPES: ReadonlySet<number> = new Set([OPEN_DELEGATE_NONE, OPEN_DELEGATE_READ,
  OPEN_DELEGATE_WRITE, OPEN_DELEGATE_NONE_EXT]);

export function encodeOpenClaim4(w: XdrWriter, c: OpenClaim4): void {
  w.int32(c.claim);
  switch (c.claim) {
    case CLAIM_NULL:
    case CLAIM_DELEGATE_PREV:
      encodeComponent4(w, c.file);
      break;
    case CLAIM_PREVIOUS:
      w.int32(c.delegateType);
      break;
    case CLAIM_DELEGATE_CUR:
      encodeStateid4(w, c.delegateStateid);
      encodeComponent4(w, c.file);
      break;
    case CLAIM_DELEG_CUR_FH:
      encodeStateid4(w, c.delegateStateid);
      break;
    default:
      break;
  }
}

export function decodeOpenClaim4(r: XdrReader): OpenClaim4 {
  const claim = r.enumOf<OpenClaim4['claim']>(CLAIMS, 'open_claim_type4');
  switch (claim) {
    case CLAIM_NULL:
    case CLAIM_DELEGATE_PREV:
      return { claim, file: decodeComponent4(r) };
    case CLAIM_PREVIOUS:
      return { claim, delegateType: r.enumOf(DELEGATION_TYPES, 'open_delegation_type4') };
    case CLAIM_DELEGATE_CUR:
      return { claim, delegateStateid: decodeStateid4(r), file: decodeComponent4(r) };
    case CLAIM_DELEG_CUR_FH:
      return { claim, delegateStateid: decodeStateid4(r) };
    default:
      return { claim };
  }
}
