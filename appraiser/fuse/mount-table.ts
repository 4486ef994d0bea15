/**
 * Reading /proc/self/mountinfo (proc(5)): which file system is mounted where.
 * Line layout: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS",
 * with space, tab, newline and backslash in paths escaped as \ooo octal.
 */
import { readlinkSync, realpathSync } from 'node:fs';
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
 * all use that spelling. The mount root itself is never stat'ed: behind it a
 * dead daemon answers ENOTCONN and a live one may wait on an unreachable
 * server for minutes. So a path that is a mountpoint already is taken as it
 * is, and otherwise only the parent is resolved, plus the last component if
 * it is a symlink on the parent's file system.
 */
export async function canonicalMountpoint(p: string, depth = 0): Promise<string> {
  const abs = resolve(p);
  if (depth > 40 || (await findMount(abs))) return abs;
  let full: string;
  try {
    full = join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
  if (full !== abs && (await findMount(full))) return full;
  let target: string;
  try {
    target = readlinkSync(full);
  } catch {
    return full; // not a symlink (or not there yet: mount reports that)
  }
  return canonicalMountpoint(resolve(dirname(full), target), depth + 1);
}
