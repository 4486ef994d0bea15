import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANONYMOUS_STATEID, ftypeName, isDefinedOp, NF4, OP, opName, READ_BYPASS_STATEID,
} from '../../../client/nfs4/constants.js';
import { OP_CODECS } from '../../../client/nfs4/ops/index.js';
import { encodeStateid4 } from '../../../client/nfs4/types.js';
import { enc, hex } from './hex.js';

test('op numbers and names (RFC 8881 §16.2.1, RFC 7862, RFC 8276)', () => {
  assert.equal(OP.READ, 25);
  assert.equal(OP.EXCHANGE_ID, 42);
  assert.equal(OP.SEQUENCE, 53);
  assert.equal(OP.RECLAIM_COMPLETE, 58);
  assert.equal(OP.CLONE, 71);
  assert.equal(OP.ILLEGAL, 10044);
  assert.equal(opName(24), 'PUTROOTFH');
  assert.equal(opName(9999), 'OP_9999');
  for (const [op, c] of OP_CODECS) {
    assert.equal(c.op, op);
    assert.equal(c.name, opName(op));
  }
  assert.equal(OP_CODECS.size, 32);
});

test('isDefinedOp: OP_ILLEGAL vs NOTSUPP per minor version', () => {
  assert.equal(isDefinedOp(OP.SETCLIENTID, 0), true);
  assert.equal(isDefinedOp(OP.SEQUENCE, 0), false);
  assert.equal(isDefinedOp(OP.SEQUENCE, 1), true);
  assert.equal(isDefinedOp(OP.SETCLIENTID, 1), true); // 4.1: defined but "MUST NOT implement": NOTSUPP
  assert.equal(isDefinedOp(OP.CLONE, 1), false);
  assert.equal(isDefinedOp(OP.CLONE, 2), true);
  assert.equal(isDefinedOp(OP.REMOVEXATTR, 2), true);
  assert.equal(isDefinedOp(76, 2), false);
  assert.equal(isDefinedOp(0, 1), false);
  assert.equal(isDefinedOp(2, 1), false);
  assert.equal(isDefinedOp(OP.ILLEGAL, 2), false);
});

test('special stateids (RFC 8881 §8.2.3) and nfs_ftype4 words', () => {
  assert.deepEqual(enc((w) => encodeStateid4(w, ANONYMOUS_STATEID)), Buffer.alloc(16));
  assert.deepEqual(enc((w) => encodeStateid4(w, READ_BYPASS_STATEID)), hex('ff'.repeat(16)));
  assert.equal(ftypeName(NF4.REG), 'file');
  assert.equal(ftypeName(NF4.DIR), 'directory');
  assert.equal(ftypeName(NF4.LNK), 'symlink');
  assert.equal(ftypeName(NF4.FIFO), 'fifo');
  assert.equal(ftypeName(42), 'type-42');
});
