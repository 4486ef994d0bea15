/**
 * Turning a presented stateid into open state or the RFC's error
 * (RFC 8881 §8.2.4, RFC 7530 §9.1.4): the "current stateid" of 4.1
 * (seqid 1, other all zero) stands for the COMPOUND's current stateid.
 */
import { CURRENT_STATEID } from '../../client/nfs4/constants.js';
import type { Stateid4 } from '../../client/nfs4/types.js';
import { NFS4ERR } from '../../client/nfs4/status.js';
import type { OpContext } from '../compound/op-context.js';
import { NfsStatus } from '../errors.js';
import type { OpenState } from '../state/stateid-table.js';

export function isCurrentStateid(s: Stateid4): boolean {
  return s.seqid === CURRENT_STATEID.seqid && s.other.every((b) => b === 0);
}

/** The open state a stateid names (undefined for the anonymous / bypass stateids when allowed). */
export function checkStateid(ctx: OpContext, given: Stateid4, file: string | undefined, allowSpecial: boolean): OpenState | undefined {
  let s = given;
  if (ctx.minor >= 1 && isCurrentStateid(s)) {
    if (!ctx.currentStateid) throw new NfsStatus(NFS4ERR.BAD_STATEID, 'no current stateid');
    s = ctx.currentStateid;
  }
  const r = ctx.core.stateids.check(s, file, { allowSpecial, minor: ctx.minor });
  if (r.ok) {
    if (r.state) {
      const c = ctx.core.clients.get(r.state.clientid);
      if (c) ctx.core.clients.renew(c);
      if (ctx.minor === 0 && c) ctx.client ??= c;
    }
    return r.state;
  }
  switch (r.why) {
    case 'old': throw new NfsStatus(NFS4ERR.OLD_STATEID);
    case 'stale': throw new NfsStatus(ctx.minor === 0 ? NFS4ERR.STALE_STATEID : NFS4ERR.BAD_STATEID);
    default: throw new NfsStatus(NFS4ERR.BAD_STATEID);
  }
}
