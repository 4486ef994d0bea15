/**
 * NFSv4.0 client identity and leases: SETCLIENTID (RFC 7530 §16.33),
 * SETCLIENTID_CONFIRM (§16.34), RENEW (§16.29). v4.1+ answers these with
 * NFS4ERR_NOTSUPP (RFC 8881 §18.33+: "MUST NOT be implemented").
 *
 * Every SETCLIENTID gets a fresh unconfirmed record and confirm verifier;
 * confirming it retires any older record of the same nfs_client_id4 (the
 * client rebooted) together with its opens. No callbacks are ever made, so
 * the callback address is accepted and ignored.
 */
import { renewOp, type RenewArgs } from '../../client/nfs4/ops/renew.js';
import { setclientidConfirmOp, type SetclientidConfirmArgs } from '../../client/nfs4/ops/setclientid-confirm.js';
import { setclientidOp, type SetclientidArgs } from '../../client/nfs4/ops/setclientid.js';
import { NFS4_OK, NFS4ERR } from '../../client/nfs4/status.js';
import type { OpContext } from '../compound/op-context.js';
import type { OpHandler } from '../compound/op-handler.js';
import { NfsStatus } from '../errors.js';

const V40: readonly [number, number] = [0, 0];
/** Client records (confirmed or not) the server keeps at once; unconfirmed ones expire after a lease. */
export const MAX_CLIENTS = 10_000;

export function principalOf(ctx: OpContext): string {
  return ctx.cred.uid === undefined ? 'none' : `sys:${ctx.cred.uid}`;
}

export const clientHandlersV40: OpHandler[] = [
  {
    codec: setclientidOp,
    minors: V40,
    run(ctx, a: SetclientidArgs) {
      const core = ctx.core;
      if (core.clients.size >= MAX_CLIENTS) throw new NfsStatus(NFS4ERR.RESOURCE, 'too many clients');
      for (const old of core.clients.byOwner(a.client.ownerid)) {
        if (!old.confirmed) core.clients.drop(old, 'replaced');
      }
      const rec = core.clients.create({ ownerid: a.client.ownerid, verifier: a.client.verifier, minor: 0, principal: principalOf(ctx), addr: ctx.peer.addr });
      return { status: NFS4_OK, resok: { clientid: rec.clientid, setclientidConfirm: rec.confirmVerf } };
    },
  },
  {
    codec: setclientidConfirmOp,
    minors: V40,
    run(ctx, a: SetclientidConfirmArgs) {
      const rec = ctx.core.clients.get(a.clientid);
      if (!rec || !rec.confirmVerf.equals(a.setclientidConfirm)) throw new NfsStatus(NFS4ERR.STALE_CLIENTID);
      if (!rec.confirmed) ctx.core.clients.confirm(rec);
      ctx.client = rec;
      return { status: NFS4_OK };
    },
  },
  {
    codec: renewOp,
    minors: V40,
    run(ctx, a: RenewArgs) {
      const rec = ctx.core.clients.get(a.clientid);
      if (!rec || !rec.confirmed) throw new NfsStatus(NFS4ERR.STALE_CLIENTID);
      ctx.core.clients.renew(rec);
      ctx.client = rec;
      return { status: NFS4_OK };
    },
  },
];
