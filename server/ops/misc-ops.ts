/**
 * SECINFO_NO_NAME (RFC 8881 §18.45), TEST_STATEID (§18.48), FREE_STATEID
 * (§18.38). The export accepts AUTH_SYS and AUTH_NONE only, so that is what
 * SECINFO_NO_NAME lists, strongest first.
 */
import { AUTH_NONE, AUTH_SYS, SECINFO_STYLE4_PARENT } from '../../client/nfs4/constants.js';
import { freeStateidOp, type FreeStateidArgs } from '../../client/nfs4/ops/free-stateid.js';
import { secinfoNoNameOp, type SecinfoNoNameArgs } from '../../client/nfs4/ops/secinfo-no-name.js';
import { testStateidOp, type TestStateidArgs } from '../../client/nfs4/ops/test-stateid.js';
import { NFS4_OK, NFS4ERR } from '../../client/nfs4/status.js';
import type { OpHandler } from '../compound/op-handler.js';
import { NfsStatus } from '../errors.js';
import { ANON, BYPASS } from '../state/stateid-table.js';

const V41: readonly [number, number] = [1, 2];

export const miscHandlers: OpHandler[] = [
  {
    codec: secinfoNoNameOp,
    minors: V41,
    run(ctx, a: SecinfoNoNameArgs) {
      const n = ctx.fh();
      if (a.style === SECINFO_STYLE4_PARENT && ctx.core.fs.isRoot(n)) throw new NfsStatus(NFS4ERR.NOENT);
      // RFC 8881 §18.45.3: a successful SECINFO_NO_NAME consumes the current filehandle.
      ctx.cfh = undefined;
      return { status: NFS4_OK, resok: [{ flavor: AUTH_SYS }, { flavor: AUTH_NONE }] };
    },
  },
  {
    codec: testStateidOp,
    minors: V41,
    run(ctx, a: TestStateidArgs) {
      const statusCodes = a.stateids.map((s) => {
        if (ANON(s) || BYPASS(s)) return NFS4ERR.BAD_STATEID;
        const r = ctx.core.stateids.check(s, undefined, { allowSpecial: false, minor: ctx.minor });
        if (r.ok && r.state && r.state.clientid !== ctx.client?.clientid) return NFS4ERR.BAD_STATEID;
        return r.ok ? NFS4_OK : r.why === 'old' ? NFS4ERR.OLD_STATEID : NFS4ERR.BAD_STATEID;
      });
      return { status: NFS4_OK, resok: { statusCodes } };
    },
  },
  {
    codec: freeStateidOp,
    minors: V41,
    run(ctx, a: FreeStateidArgs) {
      const r = ctx.core.stateids.check(a.stateid, undefined, { allowSpecial: false, minor: ctx.minor });
      if (!r.ok) throw new NfsStatus(r.why === 'old' ? NFS4ERR.OLD_STATEID : NFS4ERR.BAD_STATEID);
      // Open stateids are released by CLOSE (RFC 8881 §18.38.3).
      throw new NfsStatus(NFS4ERR.LOCKS_HELD);
    },
  },
];
