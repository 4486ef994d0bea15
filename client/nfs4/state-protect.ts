import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';
import { decodeBitmap4, encodeBitmap4, type Bitmap4 } from './bitmap.js';
import { SP4_MACH_CRED, SP4_NONE, SP4_SSV } from './constants.js';

/**
 * State protection for EXCHANGE_ID (RFC 8881 §18.35.1). imafs only ever asks for
 * SP4_NONE, but decodes every arm so a server or client that picks another is
 * answered properly instead of desynchronising the rest of the COMPOUND.
 * The protocol gives no bound to the oid and handle lists; these are imafs's.
 */
const MAX_OIDS = 64;
const MAX_OID = 1024;
const MAX_HANDLES = 64;
const MAX_HANDLE = 4096;

/** struct state_protect_ops4 { bitmap4 spo_must_enforce; bitmap4 spo_must_allow; }; */
export interface StateProtectOps4 {
  mustEnforce: Bitmap4;
  mustAllow: Bitmap4;
}
function encodeOps(w: XdrWriter, o: StateProtectOps4): void {
  encodeBitmap4(w, o.mustEnforce);
  encodeBitmap4(w, o.mustAllow);
}
function decodeOps(r: XdrReader): StateProtectOps4 {
  return { mustEnforce: decodeBitmap4(r), mustAllow: decodeBitmap4(r) };
}

/**
 * struct ssv_sp_parms4 { state_protect_ops4 ssp_ops; sec_oid4 ssp_hash_algs<>;
 *   sec_oid4 ssp_encr_algs<>; uint32_t ssp_window; uint32_t ssp_num_gss_handles; };
 * typedef opaque sec_oid4<>;
 */
export interface SsvSpParms4 {
  ops: StateProtectOps4;
  hashAlgs: Buffer[];
  encrAlgs: Buffer[];
  window: number;
  numGssHandles: number;
}

/**
 * union state_protect4_a switch (state_protect_how4 spa_how) {
 *   case SP4_NONE: void;
 *   case SP4_MACH_CRED: state_protect_ops4 spa_mach_ops;
 *   case SP4_SSV: ssv_sp_parms4 spa_ssv_parms; };
 */
export type StateProtect4A =
  | { how: typeof SP4_NONE }
  | { how: typeof SP4_MACH_CRED; machOps: StateProtectOps4 }
  | { how: typeof SP4_SSV; ssvParms: SsvSpParms4 };

const HOW = new Set([SP4_NONE, SP4_MACH_CRED, SP4_SSV]);
const oid = (w: XdrWriter, v: Buffer): void => void w.opaqueVar(v, MAX_OID, 'sec_oid4');
const readOid = (r: XdrReader): Buffer => r.opaqueVar(MAX_OID, 'sec_oid4');

export function encodeStateProtect4A(w: XdrWriter, s: StateProtect4A): void {
  w.int32(s.how);
  if (s.how === SP4_MACH_CRED) encodeOps(w, s.machOps);
  else if (s.how === SP4_SSV) {
    encodeOps(w, s.ssvParms.ops);
    w.array(s.ssvParms.hashAlgs, MAX_OIDS, oid, 'ssp_hash_algs');
    w.array(s.ssvParms.encrAlgs, MAX_OIDS, oid, 'ssp_encr_algs');
    w.uint32(s.ssvParms.window).uint32(s.ssvParms.numGssHandles);
  }
}
export function decodeStateProtect4A(r: XdrReader): StateProtect4A {
  const how = r.enumOf(HOW, 'state_protect_how4');
  if (how === SP4_MACH_CRED) return { how, machOps: decodeOps(r) };
  if (how === SP4_SSV) {
    return {
      how,
      ssvParms: {
        ops: decodeOps(r),
        hashAlgs: r.array(MAX_OIDS, readOid, 'ssp_hash_algs'),
        encrAlgs: r.array(MAX_OIDS, readOid, 'ssp_encr_algs'),
        window: r.uint32(),
        numGssHandles: r.uint32(),
      },
    };
  }
  return { how: SP4_NONE };
}

/**
 * struct ssv_prot_info4 { state_protect_ops4 spi_ops; uint32_t spi_hash_alg;
 *   uint32_t spi_encr_alg; uint32_t spi_ssv_len; uint32_t spi_window;
 *   gsshandle4_t spi_handles<>; };          typedef opaque gsshandle4_t<>;
 */
export interface SsvProtInfo4 {
  ops: StateProtectOps4;
  hashAlg: number;
  encrAlg: number;
  ssvLen: number;
  window: number;
  handles: Buffer[];
}

/**
 * union state_protect4_r switch (state_protect_how4 spr_how) {
 *   case SP4_NONE: void;
 *   case SP4_MACH_CRED: state_protect_ops4 spr_mach_ops;
 *   case SP4_SSV: ssv_prot_info4 spr_ssv_info; };
 */
export type StateProtect4R =
  | { how: typeof SP4_NONE }
  | { how: typeof SP4_MACH_CRED; machOps: StateProtectOps4 }
  | { how: typeof SP4_SSV; ssvInfo: SsvProtInfo4 };

export function encodeStateProtect4R(w: XdrWriter, s: StateProtect4R): void {
  w.int32(s.how);
  if (s.how === SP4_MACH_CRED) encodeOps(w, s.machOps);
  else if (s.how === SP4_SSV) {
    const i = s.ssvInfo;
    encodeOps(w, i.ops);
    w.uint32(i.hashAlg).uint32(i.encrAlg).uint32(i.ssvLen).uint32(i.window);
    w.array(i.handles, MAX_HANDLES, (ww, h) => ww.opaqueVar(h, MAX_HANDLE, 'gsshandle4_t'), 'spi_handles');
  }
}
export function decodeStateProtect4R(r: XdrReader): StateProtect4R {
  const how = r.enumOf(HOW, 'state_protect_how4');
  if (how === SP4_MACH_CRED) return { how, machOps: decodeOps(r) };
  if (how === SP4_SSV) {
    return {
      how,
      ssvInfo: {
        ops: decodeOps(r),
        hashAlg: r.uint32(),
        encrAlg: r.uint32(),
        ssvLen: r.uint32(),
        window: r.uint32(),
        handles: r.array(MAX_HANDLES, (rr) => rr.opaqueVar(MAX_HANDLE, 'gsshandle4_t'), 'spi_handles'),
      },
    };
  }
  return { how: SP4_NONE };
}
