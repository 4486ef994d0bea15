/**
 * What stands between a client and a file's content on OPEN and READ:
 * UNIX permissions for the caller, then (with --appraise) the appraisal
 * verdict. A failed appraisal is NFS4ERR_INTEGRITY for a participating 4.2
 * client and NFS4ERR_ACCESS for a legacy one (draft §4.2.1, §5.3); in audit
 * mode it is only logged.
 */
import { NFS4ERR } from '../../client/nfs4/status.js';
import type { AppraisalGate } from '../appraisal-gate.js';
import type { MaybePromise } from '../compound/maybe-async.js';
import type { OpContext } from '../compound/op-context.js';
import { NfsStatus } from '../errors.js';
import type { FsNode } from '../fs/export-fs.js';
import { mayRead } from './permissions.js';

export function checkReadPermission(ctx: OpContext, n: FsNode, op: string): void {
  if (mayRead(ctx.cred, n.st)) return;
  ctx.core.refuse(ctx, op, n, NFS4ERR.ACCESS, 'no read permission');
  throw new NfsStatus(NFS4ERR.ACCESS);
}

/** Without --appraise there is nothing to wait for: no promise, so OPEN and READ complete synchronously. */
export function admitContent(ctx: OpContext, n: FsNode, op: string): MaybePromise<void> {
  const gate = ctx.core.gate;
  if (!gate) return;
  return appraised(ctx, gate, n, op);
}

async function appraised(ctx: OpContext, gate: AppraisalGate, n: FsNode, op: string): Promise<void> {
  const d = await gate.decide(n);
  if (d.allowed) {
    if (d.appraised && d.verdict.code !== 'ok') ctx.core.log(`audit: ${op} /${n.rel} for ${ctx.who()}: ${d.verdict.code}: ${d.verdict.reason}`);
    return;
  }
  const status = ctx.participating ? ctx.core.settings.integrityStatus : NFS4ERR.ACCESS;
  const as = ctx.participating ? 'NFS4ERR_INTEGRITY' : 'NFS4ERR_ACCESS (legacy client)';
  ctx.core.refuse(ctx, op, n, status, `appraisal failed (${d.verdict.code}: ${d.verdict.reason}); answered ${as}`);
  throw new NfsStatus(status);
}
