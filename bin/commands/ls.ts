import type { Command } from '../commander.js';
import type { DirEntry } from '../../client/readdir.js';
import { addClientOptions, withClient, type ClientFlags } from '../client-options.js';
import { jsonU64, modeString } from './stat.js';

interface LsFlags extends ClientFlags {
  long?: boolean;
  json?: boolean;
}

interface Row {
  entry: DirEntry;
  target?: string;
}

function longLine(r: Row, sizeWidth: number): string {
  const e = r.entry;
  if (!e.stat) return `?????????? ${'?'.padStart(sizeWidth)} ${e.name}  (${e.error ?? 'no attributes'})`;
  const s = e.stat;
  const when = s.mtime ? s.mtime.toISOString().slice(0, 16).replace('T', ' ') : '-';
  const name = r.target !== undefined ? `${e.name} -> ${r.target}` : e.name;
  return `${modeString(s.type, s.mode)} ${String(s.numlinks).padStart(3)} ${s.owner.padEnd(8)} ${s.ownerGroup.padEnd(8)} ${String(s.size).padStart(sizeWidth)} ${when} ${name}`;
}

/**
 * `imafs ls [-l] [--json] <url>`: the entries of an NFS directory (all
 * READDIR rounds), sorted by name; a URL naming a file lists just that file.
 * --json prints an array of { name, type, size, ... }.
 */
export function register(program: Command): void {
  const cmd = program
    .command('ls')
    .description('list an NFS directory (like nfs-ls)')
    .argument('<url>', 'nfs://host[:port]/path or host:/path')
    .option('-l, --long', 'long format: mode, links, owner, group, size, mtime, name (-> symlink target)')
    .option('--json', 'print a JSON array of entries');
  addClientOptions(cmd).action(async (url: string, flags: LsFlags) => {
    await withClient(url, flags, async (c) => {
      const top = await c.lookup('');
      let entries: DirEntry[];
      if (top.stat.type === 'directory') {
        entries = await c.readdir(top);
      } else {
        const name = top.path.split('/').pop() ?? top.path;
        entries = [{ name, type: top.stat.type, size: top.stat.size, stat: top.stat, fh: top.fh, error: undefined }];
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const rows: Row[] = [];
      for (const e of entries) {
        const row: Row = { entry: e };
        if ((flags.long || flags.json) && e.type === 'symlink' && e.fh) {
          row.target = await c.readlink({ fh: e.fh, path: `${top.path}/${e.name}` });
        }
        rows.push(row);
      }
      if (flags.json) {
        const out = rows.map(({ entry: e, target }) => ({
          name: e.name,
          type: e.type,
          size: e.size,
          ...(e.stat ? { mode: e.stat.mode, numlinks: e.stat.numlinks, owner: e.stat.owner, group: e.stat.ownerGroup, fileid: jsonU64(e.stat.fileid), mtime: e.stat.mtime?.toISOString() ?? null } : {}),
          ...(target !== undefined ? { target } : {}),
          ...(e.error ? { error: e.error } : {}),
        }));
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      if (flags.long) {
        const width = Math.max(1, ...rows.map((r) => String(r.entry.size).length));
        process.stdout.write(rows.map((r) => `${longLine(r, width)}\n`).join(''));
        return;
      }
      process.stdout.write(rows.map((r) => `${r.entry.name}\n`).join(''));
    });
  });
}
