/**
 * Reading /proc/self/mountinfo (proc(5)): which file system is mounted where.
 * Line layout: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS",
 * with space, tab, newline and backslash in paths escaped as \ooo octal.
 */
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export interface MountEntry {
  id: number;
  mountpoint: string;
  fstype: string;
  source: string;
  options: string;
}

const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 7 || sep < 0) continue;
    out.push({ id: Number(f[0]), mountpoint: unescape(f[4]), fstype: f[sep + 1] ?? '', source: unescape(f[sep + 2] ?? ''), options: f[sep + 3] ?? '' });
  }
  return out;
}

export async function readMounts(): Promise<MountEntry[]> {
  return parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** The topmost mount at `mountpoint` (an absolute path), if any. */
export async function findMount(mountpoint: string): Promise<MountEntry | undefined> {
  const all = await readMounts();
  for (let i = all.length - 1; i >= 0; i--) if (all[i].mountpoint === mountpoint) return all[i];
  return undefined;
}

export const IMAFS_FSTYPE = 'fuse.imafs';

/**
 * The path /proc/self/mountinfo shows for a mountpoint given as `p`: mount(2)
 * resolves symlinks, so a mount made through a symlinked path is listed under
 * the real one, and the daemon's watch, its pid file and `imafs umount` must
 * all use that spelling. A dead FUSE mount cannot be stat'ed (ENOTCONN), so
 * then only its parent is resolved.
 */
export function canonicalMountpoint(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}
