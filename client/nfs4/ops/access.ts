import { OP } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';

/**
 * RFC 8881 §18.1:
 *   struct ACCESS4args { uint32_t access; };
 *   struct ACCESS4resok { uint32_t supported; uint32_t access; };
 *   union ACCESS4res switch (nfsstat4 status) { case NFS4_OK: ACCESS4resok resok4; default: void; };
 */
export interface AccessArgs {
  access: number;
}
export interface AccessResok {
  supported: number;
  access: number;
}
export type AccessRes = UnionRes<AccessResok>;
export const accessOp: OpCodec<AccessArgs, AccessRes> = {
  op: OP.ACCESS,
  name: 'ACCESS',
  encodeArgs(w, a) {
    w.uint32(a.access);
  },
  decodeArgs(r) {
    return { access: r.uint32() };
  },
  ...unionRes<AccessResok>('ACCESS', (w, v) => void w.uint32(v.supported).uint32(v.access),
    (r) => ({ supported: r.uint32(), access: r.uint32() })),
};
