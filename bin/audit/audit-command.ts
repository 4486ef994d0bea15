/**
 * The typed function behind `imafs audit`: flags in, report out. Loads keys
 * and policy first (so a configuration error exits 2 before any network
 * traffic), opens the source, runs the engine with a progress bar when one is
 * wanted, and formats the report.
 */
import type { AuditProgress, AuditReport } from '../../appraiser/audit/audit-types.js';
import type { AuditSource } from '../../appraiser/audit/audit-source.js';
import { createFileAppraiser } from '../../appraiser/audit/file-appraiser.js';
import { PooledVerifier } from '../../appraiser/audit/pooled-verifier.js';
import { isNfsSource } from '../../appraiser/audit/source-kind.js';
import { formatReport, formatText, type ReportFormat } from '../../appraiser/audit/reporters/index.js';
import { runAudit } from '../../appraiser/audit/run-audit.js';
import { ImafsAppraiserError } from '../../appraiser/errors.js';
import { loadAppraisal, type AppraisalFlags } from '../appraisal-options.js';
import { clientOptionsFromFlags, type ClientFlags } from '../client-options.js';
import { createProgress, wantProgress } from './audit-progress.js';

export interface AuditCommandOptions extends AppraisalFlags, ClientFlags {
  format: ReportFormat;
  output?: string;
  jobs?: number;
  quiet?: boolean;
}

export interface AuditOutcome {
  report: AuditReport;
  /** The report in the requested format. */
  formatted: string;
  /** The text report (for stdout when the formatted one goes to a file). */
  text(): string;
}

export async function auditSource(spec: string, o: AuditCommandOptions): Promise<AuditOutcome> {
  const { keyring, policy } = await loadAppraisal(o);
  // An audit that ignores metadata would pass anything: not a check worth running in CI.
  if (policy.mode === 'disabled') throw new ImafsAppraiserError('IMAFS_CONFIG', 'audit: --policy must be strict or audit (disabled would check nothing)');
  const nfs = isNfsSource(spec);
  const source: AuditSource = nfs
    ? await (await import('../../appraiser/audit/nfs-source.js')).openNfsSource(spec, clientOptionsFromFlags(o))
    : (await import('../../appraiser/audit/open-source.js')).openLocalSource(spec);
  const showProgress = wantProgress(o.quiet === true);
  const progress = createProgress(showProgress);
  // Big audits check signatures on worker threads (after the first files; see pooled-verifier.ts).
  const verifier = new PooledVerifier({ keyring, policy });
  let report: AuditReport;
  try {
    report = await runAudit({
      source,
      sourceName: spec,
      policyName: policy.mode,
      appraiseFile: createFileAppraiser({ keyring, policy, verifier }),
      jobs: o.jobs ?? (nfs ? 64 : 8),
      // No bar, no callback: the engine then skips a progress snapshot per file.
      ...(showProgress ? { onProgress: (p: AuditProgress) => progress.update(p) } : {}),
    });
  } finally {
    progress.stop();
    await verifier.close();
    await source.close();
  }
  return { report, formatted: formatReport(report, o.format), text: () => formatText(report) };
}
