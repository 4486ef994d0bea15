import { OP } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import {
  decodeCallbackSecParms4, decodeChannelAttrs4, decodeSessionid4, encodeCallbackSecParms4, encodeChannelAttrs4,
  encodeSessionid4, type CallbackSecParms4, type ChannelAttrs4,
} from '../types.js';

/**
 * RFC 8881 §18.36:
 *   struct CREATE_SESSION4args { clientid4 csa_clientid; sequenceid4 csa_sequence;
 *     uint32_t csa_flags; channel_attrs4 csa_fore_chan_attrs; channel_attrs4 csa_back_chan_attrs;
 *     uint32_t csa_cb_program; callback_sec_parms4 csa_sec_parms<>; };
 *   struct CREATE_SESSION4resok { sessionid4 csr_sessionid; sequenceid4 csr_sequence;
 *     uint32_t csr_flags; channel_attrs4 csr_fore_chan_attrs; channel_attrs4 csr_back_chan_attrs; };
 *   union CREATE_SESSION4res switch (nfsstat4 csr_status) { case NFS4_OK: CREATE_SESSION4resok csr_resok4; default: void; };
 */
const MAX_SEC_PARMS = 16;

export interface CreateSessionArgs {
  clientid: bigint;
  sequence: number;
  flags: number;
  foreChanAttrs: ChannelAttrs4;
  backChanAttrs: ChannelAttrs4;
  cbProgram: number;
  secParms: CallbackSecParms4[];
}
export interface CreateSessionResok {
  sessionid: Buffer;
  sequence: number;
  flags: number;
  foreChanAttrs: ChannelAttrs4;
  backChanAttrs: ChannelAttrs4;
}
export type CreateSessionRes = UnionRes<CreateSessionResok>;

export const createSessionOp: OpCodec<CreateSessionArgs, CreateSessionRes> = {
  op: OP.CREATE_SESSION,
  name: 'CREATE_SESSION',
  encodeArgs(w, a) {
    w.uint64(a.clientid).uint32(a.sequence).uint32(a.flags);
    encodeChannelAttrs4(w, a.foreChanAttrs);
    encodeChannelAttrs4(w, a.backChanAttrs);
    w.uint32(a.cbProgram);
    w.array(a.secParms, MAX_SEC_PARMS, encodeCallbackSecParms4, 'csa_sec_parms');
  },
  decodeArgs(r) {
    return {
      clientid: r.uint64(),
      sequence: r.uint32(),
      flags: r.uint32(),
      foreChanAttrs: decodeChannelAttrs4(r),
      backChanAttrs: decodeChannelAttrs4(r),
      cbProgram: r.uint32(),
      secParms: r.array(MAX_SEC_PARMS, decodeCallbackSecParms4, 'csa_sec_parms'),
    };
  },
  ...unionRes<CreateSessionResok>(
    'CREATE_SESSION',
    (w, v) => {
      encodeSessionid4(w, v.sessionid);
      w.uint32(v.sequence).uint32(v.flags);
      encodeChannelAttrs4(w, v.foreChanAttrs);
      encodeChannelAttrs4(w, v.backChanAttrs);
    },
    (r) => ({
      sessionid: decodeSessionid4(r),
      sequence: r.uint32(),
      flags: r.uint32(),
      foreChanAttrs: decodeChannelAttrs4(r),
      backChanAttrs: decodeChannelAttrs4(r),
    }),
  ),
};
