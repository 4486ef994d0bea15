/**
 * Measuring helpers shared by every bench/<name>.bench.ts: medians, process
 * CPU from /proc, and test files of random bytes.
 */
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc/PID/stat
 * (proc(5) fields 14-15, or 16-17 for `children`: this process's waited-for
 * children), in clock ticks of 10 ms (USER_HZ 100). 0 when the process is gone.
 */
export function processCpuMs(pid: number | 'children' | undefined): number {
  if (pid === undefined) return 0;
  try {
    const v = statFields(`/proc/${pid === 'children' ? 'self' : pid}/stat`);
    return pid === 'children' ? (v[13] + v[14]) * 10 : (v[11] + v[12]) * 10;
  } catch {
    return 0;
  }
}

/** CPU ms (user + system) of each thread of a process, from /proc/PID/task/TID/stat (same fields); empty when it is gone. */
export function threadCpuMs(pid: number): Map<number, number> {
  const m = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const v = statFields(`/proc/${pid}/task/${tid}/stat`);
      m.set(Number(tid), (v[11] + v[12]) * 10);
    }
  } catch { /* gone */ }
  return m;
}

/** The fields of a proc(5) stat file after the command name (field 3 is index 0). */
function statFields(file: string): number[] {
  const f = readFileSync(file, 'utf8');
  // Split after the command name, which may itself contain spaces and ')'.
  return f.slice(f.lastIndexOf(')') + 2).split(' ').map(Number);
}

/** A file of `size` random bytes, written 1 MiB at a time. */
export function writeRandom(file: string, size: number): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.allocUnsafe(1 << 20);
  try {
    for (let left = size; left > 0; left -= chunk.length) {
      randomFillSync(chunk);
      writeSync(fd, chunk, 0, Math.min(left, chunk.length));
    }
  } finally {
    closeSync(fd);
  }
}
