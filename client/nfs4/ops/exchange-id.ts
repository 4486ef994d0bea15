import { NFS4_OPAQUE_LIMIT, OP } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import {
  decodeClientOwner4, decodeImplIdList, decodeServerOwner4, decodeStateProtect4A, decodeStateProtect4R,
  encodeClientOwner4, encodeImplIdList, encodeServerOwner4, encodeStateProtect4A, encodeStateProtect4R,
  type ClientOwner4, type NfsImplId4, type ServerOwner4, type StateProtect4A, type StateProtect4R,
} from '../types.js';

/**
 * RFC 8881 §18.35:
 *   struct EXCHANGE_ID4args { client_owner4 eia_clientowner; uint32_t eia_flags;
 *     state_protect4_a eia_state_protect; nfs_impl_id4 eia_client_impl_id<1>; };
 *   struct EXCHANGE_ID4resok { clientid4 eir_clientid; sequenceid4 eir_sequenceid;
 *     uint32_t eir_flags; state_protect4_r eir_state_protect; server_owner4 eir_server_owner;
 *     opaque eir_server_scope<NFS4_OPAQUE_LIMIT>; nfs_impl_id4 eir_server_impl_id<1>; };
 *   union EXCHANGE_ID4res switch (nfsstat4 eir_status) { case NFS4_OK: EXCHANGE_ID4resok eir_resok4; default: void; };
 */
export interface ExchangeIdArgs {
  clientOwner: ClientOwner4;
  flags: number;
  stateProtect: StateProtect4A;
  clientImplId?: NfsImplId4;
}
export interface ExchangeIdResok {
  clientid: bigint;
  sequenceid: number;
  flags: number;
  stateProtect: StateProtect4R;
  serverOwner: ServerOwner4;
  serverScope: Buffer;
  serverImplId?: NfsImplId4;
}
export type ExchangeIdRes = UnionRes<ExchangeIdResok>;

export const exchangeIdOp: OpCodec<ExchangeIdArgs, ExchangeIdRes> = {
  op: OP.EXCHANGE_ID,
  name: 'EXCHANGE_ID',
  encodeArgs(w, a) {
    encodeClientOwner4(w, a.clientOwner);
    w.uint32(a.flags);
    encodeStateProtect4A(w, a.stateProtect);
    encodeImplIdList(w, a.clientImplId);
  },
  decodeArgs(r) {
    const clientOwner = decodeClientOwner4(r);
    const flags = r.uint32();
    const stateProtect = decodeStateProtect4A(r);
    const clientImplId = decodeImplIdList(r);
    return clientImplId === undefined ? { clientOwner, flags, stateProtect } : { clientOwner, flags, stateProtect, clientImplId };
  },
  ...unionRes<ExchangeIdResok>(
    'EXCHANGE_ID',
    (w, v) => {
      w.uint64(v.clientid).uint32(v.sequenceid).uint32(v.flags);
      encodeStateProtect4R(w, v.stateProtect);
      encodeServerOwner4(w, v.serverOwner);
      w.opaqueVar(v.serverScope, NFS4_OPAQUE_LIMIT, 'eir_server_scope');
      encodeImplIdList(w, v.serverImplId);
    },
    (r) => {
      const v: ExchangeIdResok = {
        clientid: r.uint64(),
        sequenceid: r.uint32(),
        flags: r.uint32(),
        stateProtect: decodeStateProtect4R(r),
        serverOwner: decodeServerOwner4(r),
        serverScope: r.opaqueVar(NFS4_OPAQUE_LIMIT, 'eir_server_scope'),
      };
      const impl = decodeImplIdList(r);
      if (impl !== undefined) v.serverImplId = impl;
      return v;
    },
  ),
};
