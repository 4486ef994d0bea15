import { OP } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import { decodeSessionid4, encodeSessionid4 } from '../types.js';

/**
 * RFC 8881 §18.46:
 *   struct SEQUENCE4args { sessionid4 sa_sessionid; sequenceid4 sa_sequenceid;
 *     slotid4 sa_slotid; slotid4 sa_highest_slotid; bool sa_cachethis; };
 *   struct SEQUENCE4resok { sessionid4 sr_sessionid; sequenceid4 sr_sequenceid;
 *     slotid4 sr_slotid; slotid4 sr_highest_slotid; slotid4 sr_target_highest_slotid;
 *     uint32_t sr_status_flags; };
 *   union SEQUENCE4res switch (nfsstat4 sr_status) { case NFS4_OK: SEQUENCE4resok sr_resok4; default: void; };
 */
export interface SequenceArgs {
  sessionid: Buffer;
  sequenceid: number;
  slotid: number;
  highestSlotid: number;
  cachethis: boolean;
}
export interface SequenceResok {
  sessionid: Buffer;
  sequenceid: number;
  slotid: number;
  highestSlotid: number;
  targetHighestSlotid: number;
  statusFlags: number;
}
export type SequenceRes = UnionRes<SequenceResok>;

export const sequenceOp: OpCodec<SequenceArgs, SequenceRes> = {
  op: OP.SEQUENCE,
  name: 'SEQUENCE',
  encodeArgs(w, a) {
    encodeSessionid4(w, a.sessionid);
    w.uint32(a.sequenceid).uint32(a.slotid).uint32(a.highestSlotid).bool(a.cachethis);
  },
  decodeArgs(r) {
    return {
      sessionid: decodeSessionid4(r),
      sequenceid: r.uint32(),
      slotid: r.uint32(),
      highestSlotid: r.uint32(),
      cachethis: r.bool(),
    };
  },
  ...unionRes<SequenceResok>(
    'SEQUENCE',
    (w, v) => {
      encodeSessionid4(w, v.sessionid);
      w.uint32(v.sequenceid).uint32(v.slotid).uint32(v.highestSlotid).uint32(v.targetHighestSlotid).uint32(v.statusFlags);
    },
    (r) => ({
      sessionid: decodeSessionid4(r),
      sequenceid: r.uint32(),
      slotid: r.uint32(),
      highestSlotid: r.uint32(),
      targetHighestSlotid: r.uint32(),
      statusFlags: r.uint32(),
    }),
  ),
};
