import { test } from 'node:test';
import { openConfirmOp, renewOp, setclientidConfirmOp, setclientidOp } from '../../../client/nfs4/ops/index.js';
import { checkVector, hex } from './hex.js';

test('SETCLIENTID (RFC 7530 §16.33): args, resok, CLID_INUSE arm', () => {
  checkVector(setclientidOp, 'args', {
    client: { verifier: hex('0102030405060708'), ownerid: Buffer.from('c') },
    callback: { program: 0x40000000, location: { netid: 'tcp', addr: '127.0.0.1.0.0' } },
    callbackIdent: 1,
  }, hex('0102030405060708 00000001 63000000 40000000 00000003 74637000 0000000d 3132372e 302e302e 312e302e 30000000 00000001'));
  checkVector(setclientidOp, 'res', { status: 0, resok: { clientid: 0x1122334455667788n, setclientidConfirm: hex('a1a2a3a4a5a6a7a8') } },
    hex('00000000 1122334455667788 a1a2a3a4a5a6a7a8'));
  checkVector(setclientidOp, 'res', { status: 10017, clientUsing: { netid: 'tcp', addr: '1.2.3.4.0.1' } },
    hex('00002721 00000003 74637000 0000000b 312e322e 332e342e 302e3100'));
  checkVector(setclientidOp, 'res', { status: 10022 }, hex('00002726'));
});

test('SETCLIENTID_CONFIRM (§16.34), RENEW (§16.28), OPEN_CONFIRM (§16.18)', () => {
  checkVector(setclientidConfirmOp, 'args', { clientid: 5n, setclientidConfirm: hex('a1a2a3a4a5a6a7a8') }, hex('0000000000000005 a1a2a3a4a5a6a7a8'));
  checkVector(setclientidConfirmOp, 'res', { status: 0 }, hex('00000000'));
  checkVector(renewOp, 'args', { clientid: 5n }, hex('0000000000000005'));
  checkVector(renewOp, 'res', { status: 10022 }, hex('00002726'));
  const sid = { seqid: 2, other: Buffer.alloc(12, 0xee) };
  checkVector(openConfirmOp, 'args', { openStateid: sid, seqid: 3 }, hex('00000002 eeeeeeeeeeeeeeeeeeeeeeee 00000003'));
  checkVector(openConfirmOp, 'res', { status: 0, resok: { openStateid: sid } }, hex('00000000 00000002 eeeeeeeeeeeeeeeeeeeeeeee'));
  checkVector(openConfirmOp, 'res', { status: 10026 }, hex('0000272a'));
});
