/**
 * The audit's progress bar: files done / found, files/s and bytes/s, drawn on
 * stderr. cli-progress (already a dependency) does the terminal work we would
 * otherwise hand-roll: redraw throttling (fps), fitting the line to the
 * terminal width, and erasing the bar on stop so the report starts on a clean
 * line. It is created only when stdout and stderr are both terminals and
 * --quiet is off, so pipes, files and CI logs never receive a byte of it.
 */
import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { AuditProgress } from '../../appraiser/audit/audit-types.js';
import { formatBytes } from '../../appraiser/audit/reporters/text-reporter.js';

export interface ProgressSink {
  update(p: AuditProgress): void;
  stop(): void;
}

const NONE: ProgressSink = { update: () => {}, stop: () => {} };

export function wantProgress(quiet: boolean, stdout: { isTTY?: boolean } = process.stdout, stderr: { isTTY?: boolean } = process.stderr): boolean {
  return !quiet && stdout.isTTY === true && stderr.isTTY === true;
}

/**
 * cli-progress is loaded only when a bar is drawn: its 17 CommonJS modules
 * cost a CI run (never a TTY) about 15 ms of start-up for nothing.
 */
const requireModule = createRequire(import.meta.url);

export function createProgress(enabled: boolean): ProgressSink {
  if (!enabled) return NONE;
  const cliProgress = requireModule('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar(
    {
      format: 'auditing [{bar}] {value}/{total}{more} files | {fps} files/s | {bps}/s | {duration_formatted}',
      stream: process.stderr,
      fps: 10,
      clearOnComplete: true,
      // Left visible: a Ctrl-C mid-audit must not leave the user's terminal without a cursor.
      hideCursor: false,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(0, 0, { more: '+', fps: '0', bps: '0 B' });
  return {
    update(p) {
      const secs = Math.max((performance.now() - started) / 1000, 0.001);
      bar.setTotal(p.found);
      bar.update(p.done, { more: p.walkDone ? '' : '+', fps: (p.done / secs).toFixed(0), bps: formatBytes(Math.round(p.bytes / secs)) });
    },
    stop() {
      bar.stop();
    },
  };
}
