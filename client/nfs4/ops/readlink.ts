import { OP } from '../constants.js';
import { NO_ARGS, unionRes, type NoArgs, type OpCodec, type UnionRes } from '../op-codec.js';
import { MAX_LINKTEXT } from '../types.js';

/**
 * RFC 8881 §18.24: READLINK has void args;
 *   typedef utf8str_cs linktext4;
 *   struct READLINK4resok { linktext4 link; };
 *   union READLINK4res switch (nfsstat4 status) { case NFS4_OK: READLINK4resok resok4; default: void; };
 * The target is kept as bytes: a symlink's target need not be valid UTF-8.
 */
export interface ReadlinkResok {
  link: Buffer;
}
export type ReadlinkRes = UnionRes<ReadlinkResok>;
export const readlinkOp: OpCodec<NoArgs, ReadlinkRes> = {
  op: OP.READLINK,
  name: 'READLINK',
  encodeArgs() {},
  decodeArgs() {
    return NO_ARGS;
  },
  ...unionRes<ReadlinkResok>('READLINK', (w, v) => void w.opaqueVar(v.link, MAX_LINKTEXT, 'linktext4'),
    (r) => ({ link: r.opaqueVar(MAX_LINKTEXT, 'linktext4') })),
};
