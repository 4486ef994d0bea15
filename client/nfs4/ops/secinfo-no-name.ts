import { OP, RPCSEC_GSS, SECINFO_STYLE4_CURRENT_FH, SECINFO_STYLE4_PARENT } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';

/**
 * RFC 8881 §18.45 (results as SECINFO, §18.29):
 *   enum secinfo_style4 { SECINFO_STYLE4_CURRENT_FH = 0, SECINFO_STYLE4_PARENT = 1 };
 *   typedef secinfo_style4 SECINFO_NO_NAME4args;
 *   struct rpcsec_gss_info { sec_oid4 oid; qop4 qop; rpc_gss_svc_t service; };
 *   union secinfo4 switch (uint32_t flavor) { case RPCSEC_GSS: rpcsec_gss_info flavor_info; default: void; };
 *   typedef secinfo4 SECINFO4resok<>;
 *   union SECINFO4res switch (nfsstat4 status) { case NFS4_OK: SECINFO4resok resok4; default: void; };
 */
const MAX_FLAVORS = 64;
const MAX_OID = 1024;

export interface SecinfoNoNameArgs {
  style: number;
}
export type Secinfo4 =
  | { flavor: number }
  | { flavor: typeof RPCSEC_GSS; gss: { oid: Buffer; qop: number; service: number } };
export type SecinfoNoNameRes = UnionRes<Secinfo4[]>;

const STYLES = new Set([SECINFO_STYLE4_CURRENT_FH, SECINFO_STYLE4_PARENT]);

export const secinfoNoNameOp: OpCodec<SecinfoNoNameArgs, SecinfoNoNameRes> = {
  op: OP.SECINFO_NO_NAME,
  name: 'SECINFO_NO_NAME',
  encodeArgs(w, a) {
    w.int32(a.style);
  },
  decodeArgs(r) {
    return { style: r.enumOf(STYLES, 'secinfo_style4') };
  },
  ...unionRes<Secinfo4[]>(
    'SECINFO_NO_NAME',
    (w, v) => void w.array(v, MAX_FLAVORS, (ww, s) => {
      ww.uint32(s.flavor);
      if (s.flavor === RPCSEC_GSS && 'gss' in s) ww.opaqueVar(s.gss.oid, MAX_OID, 'sec_oid4').uint32(s.gss.qop).uint32(s.gss.service);
    }, 'SECINFO4resok'),
    (r) => r.array(MAX_FLAVORS, (rr) => {
      const flavor = rr.uint32();
      if (flavor !== RPCSEC_GSS) return { flavor };
      return { flavor, gss: { oid: rr.opaqueVar(MAX_OID, 'sec_oid4'), qop: rr.uint32(), service: rr.uint32() } };
    }, 'SECINFO4resok'),
  ),
};
