import type { XdrReader } from '../../xdr/xdr-reader.js';
import type { XdrWriter } from '../../xdr/xdr-writer.js';
import { UsageError } from '../../errors.js';
import { OP } from '../constants.js';
import { decodeStatus, type OpCodec } from '../op-codec.js';
import { NFS4ERR, NFS4_OK } from '../status.js';
import { decodeClientOwner4, decodeVerifier4, encodeClientOwner4, encodeVerifier4, type ClientOwner4 } from '../types.js';

/**
 * NFSv4.0 only, RFC 7530 §16.33 (with netaddr4 from §2.2.10):
 *   struct nfs_client_id4 { verifier4 verifier; opaque id<NFS4_OPAQUE_LIMIT>; };
 *   struct netaddr4 { string na_r_netid<>; string na_r_addr<>; };   typedef netaddr4 clientaddr4;
 *   struct cb_client4 { unsigned int cb_program; netaddr4 cb_location; };
 *   struct SETCLIENTID4args { nfs_client_id4 client; cb_client4 callback; uint32_t callback_ident; };
 *   struct SETCLIENTID4resok { clientid4 clientid; verifier4 setclientid_confirm; };
 *   union SETCLIENTID4res switch (nfsstat4 status) {
 *     case NFS4_OK: SETCLIENTID4resok resok4;
 *     case NFS4ERR_CLID_INUSE: clientaddr4 client_using;
 *     default: void; };
 * nfs_client_id4 has client_owner4's layout, so it shares its codec.
 */
const MAX_NETID = 64;
const MAX_UADDR = 128;

export interface Netaddr4 {
  netid: string;
  addr: string;
}
export interface SetclientidArgs {
  client: ClientOwner4;
  callback: { program: number; location: Netaddr4 };
  callbackIdent: number;
}
export interface SetclientidResok {
  clientid: bigint;
  setclientidConfirm: Buffer;
}
export interface SetclientidRes {
  status: number;
  resok?: SetclientidResok;
  /** Only with NFS4ERR_CLID_INUSE. */
  clientUsing?: Netaddr4;
}

function encodeNetaddr4(w: XdrWriter, a: Netaddr4): void {
  w.string(a.netid, MAX_NETID, 'na_r_netid').string(a.addr, MAX_UADDR, 'na_r_addr');
}
function decodeNetaddr4(r: XdrReader): Netaddr4 {
  return { netid: r.string(MAX_NETID, 'na_r_netid'), addr: r.string(MAX_UADDR, 'na_r_addr') };
}

export const setclientidOp: OpCodec<SetclientidArgs, SetclientidRes> = {
  op: OP.SETCLIENTID,
  name: 'SETCLIENTID',
  encodeArgs(w, a) {
    encodeClientOwner4(w, a.client);
    w.uint32(a.callback.program);
    encodeNetaddr4(w, a.callback.location);
    w.uint32(a.callbackIdent);
  },
  decodeArgs(r) {
    const client = decodeClientOwner4(r);
    const program = r.uint32();
    const location = decodeNetaddr4(r);
    return { client, callback: { program, location }, callbackIdent: r.uint32() };
  },
  encodeRes(w, res) {
    w.uint32(res.status);
    if (res.status === NFS4_OK) {
      if (res.resok === undefined) throw new UsageError('SETCLIENTID: NFS4_OK result without resok');
      w.uint64(res.resok.clientid);
      encodeVerifier4(w, res.resok.setclientidConfirm);
    } else if (res.status === NFS4ERR.CLID_INUSE) {
      encodeNetaddr4(w, res.clientUsing ?? { netid: '', addr: '' });
    }
  },
  decodeRes(r) {
    const status = decodeStatus(r);
    if (status === NFS4_OK) return { status, resok: { clientid: r.uint64(), setclientidConfirm: decodeVerifier4(r) } };
    if (status === NFS4ERR.CLID_INUSE) return { status, clientUsing: decodeNetaddr4(r) };
    return { status };
  },
};
