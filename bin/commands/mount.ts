/**
 * `imafs mount [options] <source> <mountpoint>`: a read-only FUSE mount of an
 * NFS export that serves a file only after its content was measured and
 * appraised. Without --foreground it returns once the mount is ready and a
 * detached daemon keeps serving (pid file and log in /run/imafs). -o takes the
 * same options the way mount(8)/fstab users write them (docs/mount.md).
 */
import { Command, InvalidArgumentError } from '../commander.js';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliScript } from '../cli-script.js';
import { addAppraisalOptions, loadAppraisal, type AppraisalFlags } from '../appraisal-options.js';
import { addClientOptions, clientOptionsFromFlags, type ClientFlags } from '../client-options.js';
import { notifyParent, startDaemon } from '../../appraiser/fuse/daemonize.js';
import { expandMountOptions, parseSeconds, parseSize } from '../../appraiser/fuse/mount-options.js';
import { canonicalMountpoint } from '../../appraiser/fuse/mount-table.js';
import { defaultDaemonLog, defaultPidFile } from '../../appraiser/fuse/state-files.js';

interface MountFlags extends AppraisalFlags, ClientFlags {
  log?: string;
  logJson?: string;
  cacheDir?: string;
  cacheSize: number;
  foreground?: boolean;
  allowOther?: boolean;
  attrTimeout: number;
  pidFile?: string;
  daemonLog?: string;
  options?: string[];
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];
const wrap = <T>(f: (s: string) => T) => (s: string): T => {
  try { return f(s); } catch (e) { throw new InvalidArgumentError((e as Error).message); }
};

const defaultCacheDir = (): string => (process.getuid?.() === 0 ? '/var/cache/imafs' : join(homedir(), '.cache', 'imafs'));

function defineMount(cmd: Command): Command {
  addAppraisalOptions(cmd);
  addClientOptions(cmd);
  return cmd
    .option('--log <file>', 'measurement log: one line per appraisal in the kernel\'s ascii_runtime_measurements ima-sig format')
    .option('--log-json <file>', 'measurement log as JSON lines (verdict, reason, decision, time)')
    .option('--cache-dir <dir>', `verified-content cache directory (default ${defaultCacheDir()})`)
    .option('--cache-size <size>', 'cache bound, e.g. 512M or 4G; a larger file cannot be opened', wrap((s) => parseSize(s, '--cache-size')), 2 * 2 ** 30)
    .option('--foreground', 'stay in the foreground (log to stderr) instead of starting a background daemon')
    .option('--allow-other', 'let users other than the mounting one use the mount (FUSE allow_other)')
    .option('--attr-timeout <seconds>', 'attribute cache lifetime (ours and the kernel\'s)', wrap((s) => parseSeconds(s, '--attr-timeout')), 1)
    .option('--pid-file <file>', 'pid file (default /run/imafs/<mountpoint>.pid as root)')
    .option('--daemon-log <file>', 'background daemon log (default /run/imafs/<mountpoint>.log as root)')
    .option('-o, --options <opts>', 'comma-separated mount options: the flags above as name=value (docs/mount.md); repeatable', collect);
}

/** -o values fill in whatever was not given as a flag. */
function mergeOptionStrings(cmd: Command, opts: MountFlags): { opts: MountFlags; mountFlags: string[] } {
  if (!opts.options?.length) return { opts, mountFlags: [] };
  const { argv, mountFlags } = expandMountOptions(opts.options);
  const sub = defineMount(new Command('mount -o').exitOverride().configureOutput({ writeErr: () => {} })).allowExcessArguments(false);
  sub.parse(argv, { from: 'user' });
  const fromO = sub.opts<MountFlags>();
  const merged: Record<string, unknown> = { ...opts };
  for (const k of Object.keys(fromO)) {
    if (sub.getOptionValueSource(k) !== 'cli') continue;
    const src = cmd.getOptionValueSource(k);
    const v = (fromO as unknown as Record<string, unknown>)[k];
    if (src !== 'cli') merged[k] = v;
    else if (Array.isArray(v)) merged[k] = [...(merged[k] as unknown[]), ...v];
  }
  return { opts: merged as unknown as MountFlags, mountFlags };
}

/** The merged settings as flags for the daemon (paths made absolute: the daemon works from /). */
function daemonArgs(o: MountFlags, mountFlags: string[]): string[] {
  const a: string[] = [];
  const abs = (p: string): string => resolve(p);
  for (const k of o.keys ?? []) a.push('--keys', abs(k));
  for (const c of o.ca ?? []) a.push('--ca', abs(c));
  if (o.policy) a.push('--policy', o.policy);
  if (o.policyFile) a.push('--policy-file', abs(o.policyFile));
  if (o.requireSignature) a.push('--require-signature');
  if (o.allowAlgo?.length) a.push('--allow-algo', o.allowAlgo.join(','));
  if (o.imaAttr !== undefined) a.push('--ima-attr', String(o.imaAttr));
  if (o.integrityStatus !== undefined) a.push('--integrity-status', String(o.integrityStatus));
  if (o.auth) a.push('--auth', o.auth);
  if (o.uid !== undefined) a.push('--uid', String(o.uid));
  if (o.gid !== undefined) a.push('--gid', String(o.gid));
  if (o.gids?.length) a.push('--gids', o.gids.join(','));
  if (o.minorVersion !== undefined) a.push('--minor-version', String(o.minorVersion));
  if (o.timeout !== undefined) a.push('--timeout', `${o.timeout}ms`);
  if (o.log) a.push('--log', abs(o.log));
  if (o.logJson) a.push('--log-json', abs(o.logJson));
  a.push('--cache-dir', abs(o.cacheDir ?? defaultCacheDir()), '--cache-size', String(o.cacheSize), '--attr-timeout', String(o.attrTimeout));
  if (o.allowOther) a.push('--allow-other');
  if (mountFlags.length) a.push('-o', mountFlags.join(','));
  return a;
}

export async function mountAction(source: string, mountpointArg: string, given: MountFlags, cmd: Command): Promise<void> {
  const { opts, mountFlags } = mergeOptionStrings(cmd, given);
  const mountpoint = await canonicalMountpoint(mountpointArg);
  const pidFile = opts.pidFile ?? defaultPidFile(mountpoint);
  if (!opts.foreground) {
    const script = cliScript();
    const args = ['mount', source, mountpoint, ...daemonArgs(opts, mountFlags), '--foreground', '--pid-file', pidFile];
    await startDaemon({ script, args, logFile: opts.daemonLog ?? defaultDaemonLog(mountpoint) });
    return;
  }
  try {
    const { policy, keyring } = await loadAppraisal(opts);
    // The FUSE/NFS machinery loads only here, in the process that mounts.
    const { startMount } = await import('../../appraiser/fuse/run-mount.js');
    const m = await startMount({
      source, mountpoint, policy, keyring: keyring.size > 0 ? keyring : null, clientOptions: clientOptionsFromFlags(opts),
      log: opts.log, logJson: opts.logJson, cacheDir: opts.cacheDir ?? defaultCacheDir(), cacheSize: opts.cacheSize,
      allowOther: !!opts.allowOther, attrTimeout: opts.attrTimeout, mountFlags, pidFile,
      onLine: (line) => process.stderr.write(`${line}\n`),
    });
    const stop = (sig: string) => () => void m.stop(sig);
    process.on('SIGTERM', stop('SIGTERM'));
    process.on('SIGINT', stop('SIGINT'));
    notifyParent({ type: 'ready', pid: process.pid });
    // Like any daemon: do not keep the directory we were started from busy.
    if (process.env.IMAFS_MOUNT_DAEMON === '1') process.chdir('/');
    await m.done;
  } catch (err) {
    notifyParent({ type: 'error', message: (err as Error).message, code: (err as { code?: string }).code });
    throw err;
  }
  // The FUSE thread of a detached mount may linger until its last user lets go; we are done.
  setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
}

export function register(program: Command): void {
  const cmd = program
    .command('mount')
    .description('mount an NFS export read-only through FUSE, serving only files whose content was measured and appraised')
    .argument('<source>', 'host:/path or nfs://host[:port]/path')
    .argument('<mountpoint>', 'an existing directory');
  defineMount(cmd).action(mountAction);
}
