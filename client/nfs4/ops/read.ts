import { OP } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import { decodeStateid4, encodeStateid4, type Stateid4 } from '../types.js';

/**
 * RFC 8881 §18.22:
 *   struct READ4args { stateid4 stateid; offset4 offset; count4 count; };
 *   struct READ4resok { bool eof; opaque data<>; };
 *   union READ4res switch (nfsstat4 status) { case NFS4_OK: READ4resok resok4; default: void; };
 * `data` decodes as a view into the reply record (zero-copy) and encodes by
 * reference when large (XdrWriter), so a READ payload is never copied here.
 */
export const MAX_READ_DATA = 64 * 1024 * 1024;

export interface ReadArgs {
  stateid: Stateid4;
  offset: bigint;
  count: number;
}
export interface ReadResok {
  eof: boolean;
  data: Buffer;
}
export type ReadRes = UnionRes<ReadResok>;
export const readOp: OpCodec<ReadArgs, ReadRes> = {
  op: OP.READ,
  name: 'READ',
  encodeArgs(w, a) {
    encodeStateid4(w, a.stateid);
    w.uint64(a.offset).uint32(a.count);
  },
  decodeArgs(r) {
    return { stateid: decodeStateid4(r), offset: r.uint64(), count: r.uint32() };
  },
  ...unionRes<ReadResok>('READ', (w, v) => void w.bool(v.eof).opaqueVar(v.data, MAX_READ_DATA, 'READ data'),
    (r) => ({ eof: r.bool(), data: r.opaqueVar(MAX_READ_DATA, 'READ data') })),
};
