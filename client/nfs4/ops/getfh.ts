import { OP } from '../constants.js';
import { NO_ARGS, unionRes, type NoArgs, type OpCodec, type UnionRes } from '../op-codec.js';
import { decodeNfsFh4, encodeNfsFh4 } from '../types.js';

/**
 * RFC 8881 §18.8: GETFH has void args;
 *   struct GETFH4resok { nfs_fh4 object; };
 *   union GETFH4res switch (nfsstat4 status) { case NFS4_OK: GETFH4resok resok4; default: void; };
 */
export interface GetfhResok {
  object: Buffer;
}
export type GetfhRes = UnionRes<GetfhResok>;
export const getfhOp: OpCodec<NoArgs, GetfhRes> = {
  op: OP.GETFH,
  name: 'GETFH',
  encodeArgs() {},
  decodeArgs() {
    return NO_ARGS;
  },
  ...unionRes<GetfhResok>('GETFH', (w, v) => encodeNfsFh4(w, v.object), (r) => ({ object: decodeNfsFh4(r) })),
};
