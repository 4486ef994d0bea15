import { OP } from '../constants.js';
import { decodeBitmap4, encodeBitmap4, type Bitmap4 } from '../bitmap.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import {
  decodeChangeInfo4, decodeStateid4, decodeStateOwner4, encodeChangeInfo4, encodeStateid4, encodeStateOwner4,
  type ChangeInfo4, type Stateid4, type StateOwner4,
} from '../types.js';
import { decodeOpenClaim4, decodeOpenflag4, encodeOpenClaim4, encodeOpenflag4, type OpenClaim4, type Openflag4 } from './open-claim.js';
import { decodeOpenDelegation4, encodeOpenDelegation4, type OpenDelegation4 } from './open-delegation.js';

export type { Createhow4, OpenClaim4, Openflag4 } from './open-claim.js';
export type { NfsSpaceLimit4, OpenDelegation4 } from './open-delegation.js';

/**
 * RFC 8881 §18.16 (same layout as RFC 7530 §16.16 for the arms 4.0 has):
 *   struct OPEN4args { seqid4 seqid; uint32_t share_access; uint32_t share_deny;
 *     open_owner4 owner; openflag4 openhow; open_claim4 claim; };
 *   struct OPEN4resok { stateid4 stateid; change_info4 cinfo; uint32_t rflags;
 *     bitmap4 attrset; open_delegation4 delegation; };
 *   union OPEN4res switch (nfsstat4 status) { case NFS4_OK: OPEN4resok resok4; default: void; };
 * open_owner4 is state_owner4 { clientid4 clientid; opaque owner<NFS4_OPAQUE_LIMIT>; }.
 */
export interface OpenArgs {
  seqid: number;
  shareAccess: number;
  shareDeny: number;
  owner: StateOwner4;
  openhow: Openflag4;
  claim: OpenClaim4;
}
export interface OpenResok {
  stateid: Stateid4;
  cinfo: ChangeInfo4;
  rflags: number;
  attrset: Bitmap4;
  delegation: OpenDelegation4;
}
export type OpenRes = UnionRes<OpenResok>;

export const openOp: OpCodec<OpenArgs, OpenRes> = {
  op: OP.OPEN,
  name: 'OPEN',
  encodeArgs(w, a) {
    w.uint32(a.seqid).uint32(a.shareAccess).uint32(a.shareDeny);
    encodeStateOwner4(w, a.owner);
    encodeOpenflag4(w, a.openhow);
    encodeOpenClaim4(w, a.claim);
  },
  decodeArgs(r) {
    return {
      seqid: r.uint32(),
      shareAccess: r.uint32(),
      shareDeny: r.uint32(),
      owner: decodeStateOwner4(r),
      openhow: decodeOpenflag4(r),
      claim: decodeOpenClaim4(r),
    };
  },
  ...unionRes<OpenResok>(
    'OPEN',
    (w, v) => {
      encodeStateid4(w, v.stateid);
      encodeChangeInfo4(w, v.cinfo);
      w.uint32(v.rflags);
      encodeBitmap4(w, v.attrset);
      encodeOpenDelegation4(w, v.delegation);
    },
    (r) => ({
      stateid: decodeStateid4(r),
      cinfo: decodeChangeInfo4(r),
      rflags: r.uint32(),
      attrset: decodeBitmap4(r),
      delegation: decodeOpenDelegation4(r),
    }),
  ),
};
