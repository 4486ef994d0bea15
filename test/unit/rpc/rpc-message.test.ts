import test from 'node:test';
import assert from 'node:assert/strict';
import {
  AUTH_ERROR, decodeCall, decodeReply, encodeCall, encodeReply, GARBAGE_ARGS, MSG_ACCEPTED, MSG_DENIED,
  PROG_MISMATCH, PROG_UNAVAIL, PROC_UNAVAIL, replyError, RPC_MISMATCH, SUCCESS, SYSTEM_ERR, type ReplyHeader,
} from '../../../client/rpc/rpc-message.js';
import { AUTH_NONE_TOKEN, AUTH_SYS, authSys, parseAuthSys } from '../../../client/rpc/auth.js';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { XdrWriter } from '../../../client/xdr/xdr-writer.js';
import { ImafsClientError, RpcError, UsageError, XdrError } from '../../../client/errors.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const enc = (f: (w: XdrWriter) => void) => { const w = new XdrWriter(); f(w); return w.finish(); };

test('call header: literal bytes with AUTH_SYS (RFC 5531 §9, Appendix A)', () => {
  const cred = authSys({ uid: 1000, gid: 100, gids: [100, 27], machinename: 'host1' });
  const stamp = cred.body.readUInt32BE(0);
  const bytes = enc((w) => encodeCall(w, { xid: 0x11223344, prog: 100003, vers: 4, proc: 1, cred, verf: AUTH_NONE_TOKEN }));
  const st = stamp.toString(16).padStart(8, '0');
  assert.equal(bytes.toString('hex'), (
    '11223344 00000000 00000002 000186a3 00000004 00000001' +
    '00000001 00000024' + st + '00000005 686f737431000000 000003e8 00000064 00000002 00000064 0000001b' +
    '00000000 00000000').replace(/ /g, ''));
  const r = new XdrReader(bytes);
  const c = decodeCall(r);
  r.assertEnd();
  assert.equal(c.xid, 0x11223344);
  assert.equal(c.rpcvers, 2);
  assert.deepEqual([c.prog, c.vers, c.proc], [100003, 4, 1]);
  assert.equal(c.cred.flavor, AUTH_SYS);
  assert.deepEqual(parseAuthSys(c.cred), { stamp, machinename: 'host1', uid: 1000, gid: 100, gids: [100, 27] });
});

test('AUTH_SYS limits: 17 gids refused, machinename cut to 255 bytes', () => {
  assert.throws(() => authSys({ gids: Array.from({ length: 17 }, (_, i) => i) }), UsageError);
  assert.throws(() => authSys({ uid: -1 }), UsageError);
  const p = parseAuthSys(authSys({ machinename: 'é'.repeat(200) }));
  assert.ok(Buffer.byteLength(p.machinename) <= 255);
  assert.equal(p.machinename, 'é'.repeat(127));
  assert.throws(() => parseAuthSys({ flavor: 1, body: hex('00000000 00000000 00000000 00000000 00000011') }), XdrError);
});

test('AUTH_SYS defaults to the calling process', () => {
  const p = parseAuthSys(authSys());
  assert.equal(p.uid, process.getuid!());
  assert.equal(p.gid, process.getgid!());
});

const replies: [string, ReplyHeader, string][] = [
  ['accepted SUCCESS', { xid: 7, replyStat: MSG_ACCEPTED, verf: AUTH_NONE_TOKEN, accepted: { stat: SUCCESS } }, '00000007 00000001 00000000 00000000 00000000 00000000'],
  ['accepted PROG_UNAVAIL', { xid: 7, replyStat: MSG_ACCEPTED, verf: AUTH_NONE_TOKEN, accepted: { stat: PROG_UNAVAIL } }, '00000007 00000001 00000000 00000000 00000000 00000001'],
  ['accepted PROG_MISMATCH', { xid: 7, replyStat: MSG_ACCEPTED, verf: AUTH_NONE_TOKEN, accepted: { stat: PROG_MISMATCH, low: 2, high: 3 } }, '00000007 00000001 00000000 00000000 00000000 00000002 00000002 00000003'],
  ['accepted PROC_UNAVAIL', { xid: 7, replyStat: MSG_ACCEPTED, verf: AUTH_NONE_TOKEN, accepted: { stat: PROC_UNAVAIL } }, '00000007 00000001 00000000 00000000 00000000 00000003'],
  ['accepted GARBAGE_ARGS', { xid: 7, replyStat: MSG_ACCEPTED, verf: AUTH_NONE_TOKEN, accepted: { stat: GARBAGE_ARGS } }, '00000007 00000001 00000000 00000000 00000000 00000004'],
  ['accepted SYSTEM_ERR', { xid: 7, replyStat: MSG_ACCEPTED, verf: AUTH_NONE_TOKEN, accepted: { stat: SYSTEM_ERR } }, '00000007 00000001 00000000 00000000 00000000 00000005'],
  ['denied RPC_MISMATCH', { xid: 7, replyStat: MSG_DENIED, rejected: { stat: RPC_MISMATCH, low: 2, high: 2 } }, '00000007 00000001 00000001 00000000 00000002 00000002'],
  ['denied AUTH_ERROR AUTH_TOOWEAK', { xid: 7, replyStat: MSG_DENIED, rejected: { stat: AUTH_ERROR, authStat: 5 } }, '00000007 00000001 00000001 00000001 00000005'],
];

for (const [name, h, bytes] of replies) {
  test(`reply ${name}: literal bytes both directions`, () => {
    const b = enc((w) => encodeReply(w, h));
    assert.equal(b.toString('hex'), bytes.replace(/ /g, ''));
    const r = new XdrReader(b);
    assert.deepEqual(decodeReply(r), h);
    r.assertEnd();
  });
}

test('replyError maps every non-success arm to its code', () => {
  const codes = replies.map(([, h]) => replyError(h, 'x')?.code);
  assert.deepEqual(codes, [
    undefined, 'IMAFS_RPC_PROG_UNAVAIL', 'IMAFS_RPC_PROG_MISMATCH', 'IMAFS_RPC_PROC_UNAVAIL',
    'IMAFS_RPC_GARBAGE_ARGS', 'IMAFS_RPC_SYSTEM_ERR', 'IMAFS_RPC_DENIED', 'IMAFS_RPC_DENIED',
  ]);
  assert.match(replyError(replies[7][1], 'x')!.message, /AUTH_TOOWEAK/);
});

test('negative vectors: short, wrong msg_type, unknown enum, bad padding, oversized verifier', () => {
  const bad: [string, string][] = [
    ['00000007 00000001 00000000 00000000', 'IMAFS_XDR_SHORT_BUFFER'],
    ['00000007 00000000 00000000 00000000 00000000 00000000', 'IMAFS_XDR_BAD_VALUE'],
    ['00000007 00000001 00000002', 'IMAFS_XDR_BAD_VALUE'],
    ['00000007 00000001 00000000 00000000 00000000 00000009', 'IMAFS_XDR_BAD_VALUE'],
    ['00000007 00000001 00000001 00000002', 'IMAFS_XDR_BAD_VALUE'],
    ['00000007 00000001 00000000 00000000 00000001 01ff0000 00000000', 'IMAFS_XDR_BAD_PADDING'],
    ['00000007 00000001 00000000 00000000 00000191', 'IMAFS_XDR_TOO_LONG'],
  ];
  for (const [b, code] of bad) {
    assert.throws(() => decodeReply(new XdrReader(hex(b))), (e: unknown) => e instanceof XdrError && e.code === code, b);
  }
  assert.throws(() => decodeCall(new XdrReader(hex('00000001 00000001'))), XdrError);
});

test('fuzz: 50,000 mutated replies give a header or a typed error, never anything else', () => {
  let seed = 99;
  const rnd = (n: number) => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed % n; };
  const bases = replies.map(([, h]) => enc((w) => { encodeReply(w, h); w.uint32(0).uint32(0); }));
  let typed = 0;
  for (let i = 0; i < 50_000; i++) {
    const base = bases[rnd(bases.length)];
    let b = Buffer.from(base);
    const m = rnd(4);
    if (m === 0) b = b.subarray(0, rnd(b.length + 1));
    else for (let k = 0; k <= rnd(4); k++) b[rnd(b.length)] = rnd(2) ? rnd(256) : 0xff;
    try {
      const h = decodeReply(new XdrReader(b));
      replyError(h, 'fuzz');
    } catch (e) {
      assert.ok(e instanceof ImafsClientError, `untyped error ${String(e)}`);
      assert.ok(e instanceof XdrError || e instanceof RpcError);
      typed++;
    }
  }
  assert.ok(typed > 5000, `expected many rejections, got ${typed}`);
});
