/** One daemon log line per mount event: time, level, access, path, code, reason. */
import type { MountEvent } from './open-pipeline.js';

export function formatEvent(e: MountEvent, mountpoint: string, now = new Date()): string {
  const path = mountpoint === '/' ? e.path : `${mountpoint}${e.path}`;
  const what = e.level === 'deny' ? 'DENY' : e.level === 'warn' ? 'WARN' : 'ERROR';
  const tail = e.level === 'warn' ? ' (served: audit)' : '';
  return `${now.toISOString()} imafs mount: ${what} ${e.access} ${path}: ${e.code}: ${e.reason}${tail}`;
}
