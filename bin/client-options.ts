/**
 * The NFS client flags, defined once and shared by every command that talks
 * NFS (ls, cat, stat, mount, audit, sign --remote ...), so they mean the same
 * thing everywhere:
 *   --ima-attr <n>            FATTR4_IMA attribute number (default 93; the draft assigns none)
 *   --integrity-status <n>    NFS4ERR_INTEGRITY status number (default 10097)
 *   --auth <none|sys>         RPC credential flavor (default sys)
 *   --uid <n> --gid <n>       AUTH_SYS ids (default: this process's)
 *   --gids <a,b,...>          AUTH_SYS supplementary gids, at most 16 (default: this process's)
 *   --minor-version <1|2>     force NFSv4.1 or 4.2 (default: 4.2, falling back to 4.1)
 *   --timeout <seconds>       per-RPC timeout (default 30; "500ms" also accepted)
 */
import { InvalidArgumentError, Option, type Command } from './commander.js';
import type { NfsClientOptions } from '../client/client-options.js';
import { DEFAULT_IMA_ATTR } from '../client/nfs4/constants.js';
import { DEFAULT_INTEGRITY_STATUS } from '../client/nfs4/status.js';
import { uintOption } from './uint-option.js';
import { UsageError } from '../client/errors.js';
import type { NfsClient } from '../client/nfs-client.js';

export interface ClientFlags {
  imaAttr?: number;
  integrityStatus?: number;
  auth?: 'none' | 'sys';
  uid?: number;
  gid?: number;
  gids?: number[];
  minorVersion?: 1 | 2;
  timeout?: number;
}

function gidList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length > 16) throw new InvalidArgumentError('AUTH_SYS carries at most 16 supplementary gids');
  return parts.map(uintOption('each gid'));
}

function minor(v: string): 1 | 2 {
  const m = /^(?:4\.)?([12])$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('must be 1 or 2 (NFSv4.1 or 4.2)');
  return Number(m[1]) as 1 | 2;
}

/** Seconds (may be fractional) or "<n>ms"; returns milliseconds. */
function timeout(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(v.trim());
  const ms = m ? (m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * 1000) : NaN;
  if (!(ms >= 1 && ms <= 3_600_000)) throw new InvalidArgumentError('must be a duration from 1ms to 3600 seconds, e.g. 30 or 500ms');
  return Math.round(ms);
}

/** Adds the shared NFS client flags to `cmd`. */
export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--ima-attr <n>', 'FATTR4_IMA attribute number (the draft assigns none)', uintOption('--ima-attr', 0, 255), DEFAULT_IMA_ATTR)
    .option('--integrity-status <n>', 'NFS4ERR_INTEGRITY status number', uintOption('--integrity-status'), DEFAULT_INTEGRITY_STATUS)
    .addOption(new Option('--auth <flavor>', 'RPC credential flavor').choices(['none', 'sys']).default('sys'))
    .option('--uid <n>', 'AUTH_SYS uid (default: this process\'s)', uintOption('--uid'))
    .option('--gid <n>', 'AUTH_SYS gid (default: this process\'s)', uintOption('--gid'))
    .option('--gids <list>', 'AUTH_SYS supplementary gids, comma-separated, at most 16', gidList)
    .option('--minor-version <1|2>', 'force NFSv4.1 or 4.2 (default: 4.2, falling back to 4.1)', minor)
    .option('--timeout <seconds>', 'per-RPC timeout in seconds, or e.g. 500ms', timeout);
}

/** NfsClient.connect options from the parsed flags. */
export function clientOptionsFromFlags(f: ClientFlags): NfsClientOptions {
  const sysIds = { uid: f.uid, gid: f.gid, gids: f.gids };
  if (f.auth === 'none' && (f.uid !== undefined || f.gid !== undefined || f.gids !== undefined)) {
    throw new UsageError('--uid, --gid and --gids need --auth sys');
  }
  const o: NfsClientOptions = {
    imaAttr: f.imaAttr,
    integrityStatus: f.integrityStatus,
    auth: f.auth === 'none' ? 'none' : Object.fromEntries(Object.entries(sysIds).filter(([, v]) => v !== undefined)),
  };
  if (f.minorVersion !== undefined) o.minorVersion = f.minorVersion;
  if (f.timeout !== undefined) o.timeoutMs = f.timeout;
  return o;
}

/** Connects with the flags, runs `fn`, and always closes the client (DESTROY_SESSION, DESTROY_CLIENTID). */
export async function withClient<T>(url: string, f: ClientFlags, fn: (c: NfsClient) => Promise<T>): Promise<T> {
  // Loaded on use, so `imafs --help` and other commands do not pay for the client.
  const { NfsClient } = await import('../client/nfs-client.js');
  const c = await NfsClient.connect(url, clientOptionsFromFlags(f));
  try {
    return await fn(c);
  } finally {
    await c.close().catch(() => {});
  }
}
