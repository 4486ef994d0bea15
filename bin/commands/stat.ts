import type { Command } from '../commander.js';
import type { NfsStat } from '../../client/nfs-stat.js';
import { addClientOptions, withClient, type ClientFlags } from '../client-options.js';

const TYPE_CHAR: Record<string, string> = {
  file: '-', directory: 'd', symlink: 'l', block: 'b', char: 'c', socket: 's', fifo: 'p',
};

/** "drwxr-xr-x" from an NFS type word and mode4 bits (setuid/setgid/sticky included). */
export function modeString(type: string, mode: number): string {
  const rwx = (bits: number, special: boolean, ch: string): string =>
    `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  return (TYPE_CHAR[type] ?? '?') + rwx(mode >> 6, (mode & 0o4000) !== 0, 's') + rwx(mode >> 3, (mode & 0o2000) !== 0, 's') + rwx(mode, (mode & 0o1000) !== 0, 't');
}

/** 64-bit ids as JSON: a number while exact, a decimal string beyond 2^53. */
export function jsonU64(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** The JSON form of a stat (docs/client.md): change is always a decimal string (an opaque counter). */
export function statJson(s: NfsStat): Record<string, unknown> {
  return {
    type: s.type,
    size: s.size,
    mode: s.mode,
    modeString: modeString(s.type, s.mode),
    numlinks: s.numlinks,
    owner: s.owner,
    group: s.ownerGroup,
    uid: s.uid ?? null,
    gid: s.gid ?? null,
    fileid: jsonU64(s.fileid),
    change: s.change.toString(),
    atime: s.atime?.toISOString() ?? null,
    mtime: s.mtime?.toISOString() ?? null,
    ctime: s.ctime?.toISOString() ?? null,
    fsid: s.fsid ? `${s.fsid.major}.${s.fsid.minor}` : null,
    ...(s.type === 'block' || s.type === 'char' ? { rawdev: s.rawdev ?? null } : {}),
  };
}

interface StatFlags extends ClientFlags {
  json?: boolean;
}

/**
 * `imafs stat [--json] <url>`: the attributes of one object (a final symlink
 * is not followed) and its FATTR4_IMA: `ima` is lower-case hex, or null when
 * the server lacks the attribute or the file has none.
 */
export function register(program: Command): void {
  const cmd = program
    .command('stat')
    .description('show the NFS attributes and the IMA metadata (FATTR4_IMA) of one file')
    .argument('<url>', 'nfs://host[:port]/path or host:/path')
    .option('--json', 'print one JSON object');
  addClientOptions(cmd).action(async (url: string, flags: StatFlags) => {
    await withClient(url, flags, async (c) => {
      const s = await c.stat('');
      const ima = s.type === 'symlink' ? (c.imaSupported ? Buffer.alloc(0) : null) : await c.getIma('');
      const imaHex = ima && ima.length > 0 ? ima.toString('hex') : null;
      const path = c.location.path;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ path, ...statJson(s), imaSupported: c.imaSupported, ima: imaHex, nfsVersion: `4.${c.minorVersion}` })}\n`);
        return;
      }
      const lines = [
        ['Path', path],
        ['Type', s.type],
        ['Size', String(s.size)],
        ['Mode', `0${s.mode.toString(8).padStart(3, '0')} (${modeString(s.type, s.mode)})`],
        ['Links', String(s.numlinks)],
        ['Owner', `${s.owner}  Group: ${s.ownerGroup}`],
        ['FileId', s.fileid.toString()],
        ['ChgId', s.change.toString()],
        ['Access', s.atime?.toISOString() ?? '-'],
        ['Modify', s.mtime?.toISOString() ?? '-'],
        ['Change', s.ctime?.toISOString() ?? '-'],
        ['IMA', !c.imaSupported ? `not supported by the server (attribute ${c.imaAttr})` : imaHex ?? 'none'],
      ];
      process.stdout.write(lines.map(([k, v]) => `${k.padStart(6)}: ${v}\n`).join(''));
    });
  });
}
