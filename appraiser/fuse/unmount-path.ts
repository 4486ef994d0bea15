/**
 * Detach a FUSE mount. As root, umount(8) -l (MNT_DETACH) works for any FUSE
 * mount, also a dead one whose daemon was killed (ENOTCONN); the lazy form
 * succeeds while files are still open. Without root, fusermount (libfuse2) or
 * fusermount3 (Debian's fuse3, which replaces the fuse package) is needed:
 * fuse-native itself only knows `fusermount -uz`.
 */
import { execFile } from 'node:child_process';
import { debuglog } from 'node:util';

const debug = debuglog('imafs:fuse:umount');

function run(cmd: string, args: string[]): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, _stdout, stderr) => resolve({ ok: !err, stderr: String(stderr || (err as Error | null)?.message || '') }));
  });
}

/** Detaches `mountpoint`; resolves with the error text of the last attempt, or undefined on success. */
export async function unmountPath(mountpoint: string, lazy = true): Promise<string | undefined> {
  const root = process.getuid?.() === 0;
  const attempts: Array<[string, string[]]> = root
    ? [['umount', lazy ? ['-l', mountpoint] : [mountpoint]]]
    : [];
  attempts.push(['fusermount3', ['-u', ...(lazy ? ['-z'] : []), mountpoint]], ['fusermount', ['-u', ...(lazy ? ['-z'] : []), mountpoint]]);
  let last = '';
  for (const [cmd, args] of attempts) {
    const r = await run(cmd, args);
    debug('%s %s: %s', cmd, args.join(' '), r.ok ? 'ok' : r.stderr.trim());
    if (r.ok) return undefined;
    last = `${cmd}: ${r.stderr.trim()}`;
  }
  return last;
}
