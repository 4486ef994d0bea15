/**
 * The client an OPEN acts for: in 4.1+ the session's client (RFC 8881
 * §18.16.3: the open_owner's clientid is ignored there), in 4.0 the clientid
 * in the open_owner, which must be a confirmed client of this server run
 * (RFC 7530 §16.16.5: NFS4ERR_STALE_CLIENTID otherwise).
 */
import { NFS4ERR } from '../../client/nfs4/status.js';
import type { OpContext } from '../compound/op-context.js';
import { NfsStatus } from '../errors.js';
import type { ClientRecord } from '../state/client-table.js';

export function openOwnerClient(ctx: OpContext, clientid: bigint): ClientRecord {
  if (ctx.minor >= 1) {
    if (!ctx.client) throw new NfsStatus(NFS4ERR.OP_NOT_IN_SESSION);
    return ctx.client;
  }
  const c = ctx.core.clients.get(clientid);
  if (!c || !c.confirmed) throw new NfsStatus(NFS4ERR.STALE_CLIENTID);
  ctx.core.clients.renew(c);
  ctx.client = c;
  return c;
}
