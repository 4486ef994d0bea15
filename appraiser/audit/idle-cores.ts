import { readFileSync } from 'node:fs';

/**
 * How many CPU cores sat idle since the previous call, from the first line
 * of /proc/stat (proc(5): `cpu user nice system idle iowait irq softirq
 * steal ...`, in clock ticks summed over all CPUs). A worker thread only
 * speeds an audit up when a core is free for it: on a machine whose cores
 * are already busy (with the NFS server, other jobs) it adds its start-up
 * and its messages to the load instead. undefined where /proc/stat cannot
 * be read (not Linux) or no tick has passed yet.
 */
export function createIdleMeter(cpus: number): () => number | undefined {
  let last = read();
  return () => {
    const now = read();
    const prev = last;
    last = now;
    if (!now || !prev || now.total <= prev.total) return undefined;
    return ((now.idle - prev.idle) / (now.total - prev.total)) * cpus;
  };
}

function read(): { idle: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'latin1');
    const f = line.slice(0, line.indexOf('\n')).trim().split(/\s+/);
    if (f[0] !== 'cpu' || f.length < 5) return undefined;
    let total = 0;
    // user..steal; guest and guest_nice are already counted in user and nice.
    for (let i = 1; i <= Math.min(8, f.length - 1); i++) total += Number(f[i]);
    const idle = Number(f[4]) + (f.length > 5 ? Number(f[5]) : 0);
    return Number.isFinite(total) && Number.isFinite(idle) ? { idle, total } : undefined;
  } catch {
    return undefined;
  }
}
