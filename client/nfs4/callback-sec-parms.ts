import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';
import { XdrError } from '../errors.js';
import { AUTH_NONE, AUTH_SYS, RPCSEC_GSS } from './constants.js';

/**
 * CREATE_SESSION's csa_sec_parms (RFC 8881 §18.36.1), with authsys_parms from
 * RFC 5531 §A.2 and gsshandle4_t from RFC 8881 §18.33.1:
 *
 *   struct authsys_parms { unsigned int stamp; string machinename<255>;
 *     unsigned int uid; unsigned int gid; unsigned int gids<16>; };
 *   struct gss_cb_handles4 { rpc_gss_svc_t gcbp_service;
 *     gsshandle4_t gcbp_handle_from_server; gsshandle4_t gcbp_handle_from_client; };
 *   union callback_sec_parms4 switch (uint32_t cb_secflavor) {
 *     case AUTH_NONE: void;
 *     case AUTH_SYS: authsys_parms cbsp_sys_cred;
 *     case RPCSEC_GSS: gss_cb_handles4 cbsp_gss_handles; };
 *
 * The union has no default arm, so any other flavor is undecodable (BADXDR).
 */
const MAX_GSS_HANDLE = 4096;

export interface AuthsysParms {
  stamp: number;
  machinename: string;
  uid: number;
  gid: number;
  gids: number[];
}
export type CallbackSecParms4 =
  | { flavor: typeof AUTH_NONE }
  | { flavor: typeof AUTH_SYS; sys: AuthsysParms }
  | { flavor: typeof RPCSEC_GSS; gss: { service: number; handleFromServer: Buffer; handleFromClient: Buffer } };

export function encodeCallbackSecParms4(w: XdrWriter, p: CallbackSecParms4): void {
  w.uint32(p.flavor);
  if (p.flavor === AUTH_SYS) {
    const s = p.sys;
    w.uint32(s.stamp).string(s.machinename, 255, 'machinename').uint32(s.uid).uint32(s.gid);
    w.array(s.gids, 16, (ww, g) => ww.uint32(g), 'gids<16>');
  } else if (p.flavor === RPCSEC_GSS) {
    w.uint32(p.gss.service);
    w.opaqueVar(p.gss.handleFromServer, MAX_GSS_HANDLE, 'gcbp_handle_from_server');
    w.opaqueVar(p.gss.handleFromClient, MAX_GSS_HANDLE, 'gcbp_handle_from_client');
  }
}

export function decodeCallbackSecParms4(r: XdrReader): CallbackSecParms4 {
  const at = r.offset;
  const flavor = r.uint32();
  switch (flavor) {
    case AUTH_NONE:
      return { flavor };
    case AUTH_SYS:
      return {
        flavor,
        sys: {
          stamp: r.uint32(),
          machinename: r.string(255, 'machinename'),
          uid: r.uint32(),
          gid: r.uint32(),
          gids: r.array(16, (rr) => rr.uint32(), 'gids<16>'),
        },
      };
    case RPCSEC_GSS:
      return {
        flavor,
        gss: {
          service: r.uint32(),
          handleFromServer: r.opaqueVar(MAX_GSS_HANDLE, 'gcbp_handle_from_server'),
          handleFromClient: r.opaqueVar(MAX_GSS_HANDLE, 'gcbp_handle_from_client'),
        },
      };
    default:
      throw new XdrError('IMAFS_XDR_BAD_VALUE', `callback_sec_parms4: unknown flavor ${flavor}`, at);
  }
}
