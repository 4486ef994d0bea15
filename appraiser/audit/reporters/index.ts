import type { AuditReport } from '../audit-types.js';
import { formatJson } from './json-reporter.js';
import { formatJunit } from './junit-reporter.js';
import { formatText } from './text-reporter.js';

export const REPORT_FORMATS = ['text', 'json', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function formatReport(report: AuditReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'junit':
      return formatJunit(report);
    case 'text':
      return formatText(report);
  }
}

export { formatJson, formatJunit, formatText };
