import { OP } from '../constants.js';
import { unionRes, type OpCodec, type UnionRes } from '../op-codec.js';
import { decodeStateid4, encodeStateid4, type Stateid4 } from '../types.js';

/**
 * RFC 8881 §18.48:
 *   struct TEST_STATEID4args { stateid4 ts_stateids<>; };
 *   struct TEST_STATEID4resok { nfsstat4 tsr_status_codes<>; };
 *   union TEST_STATEID4res switch (nfsstat4 tsr_status) { case NFS4_OK: TEST_STATEID4resok tsr_resok4; default: void; };
 */
const MAX_STATEIDS = 1024;

export interface TestStateidArgs {
  stateids: Stateid4[];
}
export interface TestStateidResok {
  statusCodes: number[];
}
export type TestStateidRes = UnionRes<TestStateidResok>;

export const testStateidOp: OpCodec<TestStateidArgs, TestStateidRes> = {
  op: OP.TEST_STATEID,
  name: 'TEST_STATEID',
  encodeArgs(w, a) {
    w.array(a.stateids, MAX_STATEIDS, encodeStateid4, 'ts_stateids');
  },
  decodeArgs(r) {
    return { stateids: r.array(MAX_STATEIDS, decodeStateid4, 'ts_stateids') };
  },
  ...unionRes<TestStateidResok>(
    'TEST_STATEID',
    (w, v) => void w.array(v.statusCodes, MAX_STATEIDS, (ww, s) => ww.uint32(s), 'tsr_status_codes'),
    (r) => ({ statusCodes: r.array(MAX_STATEIDS, (rr) => rr.uint32(), 'tsr_status_codes') }),
  ),
};
