import type { AnyOpCodec } from '../op-codec.js';
import { accessOp } from './access.js';
import { closeOp } from './close.js';
import { createSessionOp } from './create-session.js';
import { destroyClientidOp } from './destroy-clientid.js';
import { destroySessionOp } from './destroy-session.js';
import { exchangeIdOp } from './exchange-id.js';
import { freeStateidOp } from './free-stateid.js';
import { getattrOp } from './getattr.js';
import { getfhOp } from './getfh.js';
import { illegalOp } from './illegal.js';
import { lookupOp } from './lookup.js';
import { lookuppOp } from './lookupp.js';
import { nverifyOp } from './nverify.js';
import { openConfirmOp } from './open-confirm.js';
import { openOp } from './open.js';
import { putfhOp } from './putfh.js';
import { putpubfhOp } from './putpubfh.js';
import { putrootfhOp } from './putrootfh.js';
import { readOp } from './read.js';
import { readdirOp } from './readdir.js';
import { readlinkOp } from './readlink.js';
import { reclaimCompleteOp } from './reclaim-complete.js';
import { renewOp } from './renew.js';
import { restorefhOp } from './restorefh.js';
import { savefhOp } from './savefh.js';
import { secinfoNoNameOp } from './secinfo-no-name.js';
import { sequenceOp } from './sequence.js';
import { setattrOp } from './setattr.js';
import { setclientidConfirmOp } from './setclientid-confirm.js';
import { setclientidOp } from './setclientid.js';
import { testStateidOp } from './test-stateid.js';
import { verifyOp } from './verify.js';

export * from './access.js';
export * from './close.js';
export * from './create-session.js';
export * from './destroy-clientid.js';
export * from './destroy-session.js';
export * from './exchange-id.js';
export * from './free-stateid.js';
export * from './getattr.js';
export * from './getfh.js';
export * from './illegal.js';
export * from './lookup.js';
export * from './lookupp.js';
export * from './nverify.js';
export * from './open-confirm.js';
export * from './open.js';
export * from './putfh.js';
export * from './putpubfh.js';
export * from './putrootfh.js';
export * from './read.js';
export * from './readdir.js';
export * from './readlink.js';
export * from './reclaim-complete.js';
export * from './renew.js';
export * from './restorefh.js';
export * from './savefh.js';
export * from './secinfo-no-name.js';
export * from './sequence.js';
export * from './setattr.js';
export * from './setclientid-confirm.js';
export * from './setclientid.js';
export * from './test-stateid.js';
export * from './verify.js';

/** Every op imafs can encode and decode, by opnum: the COMPOUND codec's registry. */
export const OP_CODECS: ReadonlyMap<number, AnyOpCodec> = new Map(
  [
    accessOp, closeOp, createSessionOp, destroyClientidOp, destroySessionOp, exchangeIdOp, freeStateidOp,
    getattrOp, getfhOp, illegalOp, lookupOp, lookuppOp, nverifyOp, openConfirmOp, openOp, putfhOp, putpubfhOp,
    putrootfhOp, readOp, readdirOp, readlinkOp, reclaimCompleteOp, renewOp, restorefhOp, savefhOp,
    secinfoNoNameOp, sequenceOp, setattrOp, setclientidConfirmOp, setclientidOp, testStateidOp, verifyOp,
  ].map((c) => [c.op, c as AnyOpCodec]),
);
