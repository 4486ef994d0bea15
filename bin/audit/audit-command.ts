/**
 * The typed function behind `imafs audit`: flags in, report out. Loads keys
 * and policy first (so a configuration error exits 2 before any network
 * traffic), opens the source, runs the engine with a progress bar when one is
 * wanted, and formats the report.
 */
import type { AuditReport } from '../../appraiser/audit/audit-types.js';
import type { AuditSource } from '../../appraiser/audit/audit-source.js';
import { createFileAppraiser } from '../../appraiser/audit/file-appraiser.js';
import { isNfsSource, openLocalSource } from '../../appraiser/audit/open-source.js';
import { formatReport, formatText, type ReportFormat } from '../../appraiser/audit/reporters/index.js';
import { runAudit } from '../../appraiser/audit/run-audit.js';
import { Policy, type PolicyConfig } from '../../appraiser/core/policy.js';
import { loadKeyring } from '../../appraiser/io/load-keyring.js';
import { loadPolicy } from '../../appraiser/io/load-policy.js';
import { createProgress, wantProgress } from './audit-progress.js';

export interface AuditCommandOptions {
  keys: string[];
  ca: string[];
  policy: 'strict' | 'audit';
  requireSignature?: boolean;
  policyFile?: string;
  format: ReportFormat;
  output?: string;
  jobs: number;
  quiet?: boolean;
  imaAttr?: number;
  integrityStatus?: number;
}

export interface AuditOutcome {
  report: AuditReport;
  /** The report in the requested format. */
  formatted: string;
  /** The text report (for stdout when the formatted one goes to a file). */
  text(): string;
}

async function buildPolicy(o: AuditCommandOptions): Promise<Policy> {
  const overrides: Partial<PolicyConfig> = { mode: o.policy, ...(o.requireSignature ? { requireSignature: true } : {}) };
  return o.policyFile ? await loadPolicy(o.policyFile, overrides) : new Policy(overrides);
}

export async function auditSource(spec: string, o: AuditCommandOptions): Promise<AuditOutcome> {
  const keyring = o.keys.length > 0 || o.ca.length > 0 ? await loadKeyring({ keys: o.keys, ca: o.ca }) : null;
  const policy = await buildPolicy(o);
  const source: AuditSource = isNfsSource(spec)
    ? await (await import('../../appraiser/audit/nfs-source.js')).openNfsSource(spec, { imaAttr: o.imaAttr, integrityStatus: o.integrityStatus })
    : openLocalSource(spec);
  const progress = createProgress(wantProgress(o.quiet === true));
  let report: AuditReport;
  try {
    report = await runAudit({
      source,
      sourceName: spec,
      policyName: policy.mode,
      appraiseFile: createFileAppraiser({ keyring, policy }),
      jobs: o.jobs,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
    await source.close();
  }
  return { report, formatted: formatReport(report, o.format), text: () => formatText(report) };
}
