/**
 * `imafs serve <dir>`: export a directory over NFSv4.0/4.1/4.2 with each
 * file's security.ima as FATTR4_IMA (server/, docs/server.md).
 *
 * stdout gets one ready line once listening:
 *   imafs serve: listening on 127.0.0.1:2049 exporting /srv/software
 * stderr gets one line per client connection, per refused request and per
 * IMA metadata change. SIGTERM / SIGINT stop it cleanly (exit 0).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { addAppraisalOptions, loadAppraisal, type AppraisalFlags } from '../appraisal-options.js';
import { ImafsServerError, parseListen, startServer, DEFAULT_LISTEN } from '../../server/index.js';

interface ServeFlags extends AppraisalFlags {
  listen: string;
  imaUpdates: string;
  appraise?: 'strict' | 'audit';
  imaAttr: number;
  integrityStatus: number;
  lease: number;
  handleKey?: string;
  maxConnections?: number;
}

function uint(what: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}`);
    return Number(v);
  };
}

/** A stable file-handle key: read it, or create it (32 random bytes, mode 0600) the first time. */
async function handleKey(file: string): Promise<Buffer> {
  try {
    const k = await readFile(file);
    if (k.length < 16) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--handle-key ${file}: key must be at least 16 bytes`);
    return k;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof ImafsServerError) throw err;
      throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--handle-key ${file}: ${(err as Error).message}`, err);
    }
    const k = randomBytes(32);
    await writeFile(file, k, { mode: 0o600, flag: 'wx' });
    return k;
  }
}

async function serve(dir: string, f: ServeFlags): Promise<void> {
  const { host, port } = parseListen(f.listen);
  // --appraise is the serve spelling; the shared --policy flag means the same here.
  const mode = f.appraise ?? f.policy;
  const appraise = mode && mode !== 'disabled' ? await loadAppraisal({ ...f, policy: mode }) : undefined;
  const log = (line: string): void => void process.stderr.write(`imafs serve: ${line}\n`);
  const server = await startServer({
    root: dir,
    host,
    port,
    imaAttr: f.imaAttr,
    integrityStatus: f.integrityStatus,
    imaUpdates: f.imaUpdates,
    leaseSeconds: f.lease,
    handleKey: f.handleKey ? await handleKey(f.handleKey) : undefined,
    appraise,
    maxConnections: f.maxConnections,
    log,
  });
  const a = server.address();
  const shown = a.host.includes(':') ? `[${a.host}]` : a.host;
  process.stdout.write(`imafs serve: listening on ${shown}:${a.port} exporting ${path.resolve(dir)}\n`);
  log(`FATTR4_IMA=${f.imaAttr} NFS4ERR_INTEGRITY=${f.integrityStatus} ima-updates=${f.imaUpdates}${appraise ? ` appraise=${appraise.policy.mode} keys=${appraise.keyring.size}` : ''}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await server.close();
  log(`stopped (${signal})`);
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('export a directory over NFSv4 with its IMA metadata (security.ima) as FATTR4_IMA')
    .argument('<dir>', 'directory to export; it is the root of nfs://host:port/')
    .option('--listen <host:port>', 'address to listen on; 0.0.0.0 or [::] only when given explicitly', DEFAULT_LISTEN)
    .option('--ima-updates <rules>', 'who may change IMA metadata: none | root | owner | clients=<addr|cidr>[;...], comma-combined', 'none')
    .addOption(new Option('--appraise <mode>', 'appraise files before OPEN/READ with the appraiser (uses --keys, --ca, --policy-file ...)').choices(['strict', 'audit']))
    .option('--ima-attr <n>', 'FATTR4_IMA attribute number (the draft assigns none)', uint('--ima-attr', 0, 255), 93)
    .option('--integrity-status <n>', 'NFS4ERR_INTEGRITY status number', uint('--integrity-status', 1, 0xffffffff), 10097)
    .option('--lease <seconds>', 'NFSv4 lease time', uint('--lease', 1, 3600), 90)
    .option('--handle-key <file>', 'key for file handles that survive restarts (created if missing)')
    .option('--max-connections <n>', 'refuse connections beyond this many', uint('--max-connections', 1, 65535));
  addAppraisalOptions(cmd);
  // Bad flags, keys or a missing export directory exit 2 through bin/exit-codes.ts.
  cmd.action(async (dir: string, flags: ServeFlags) => serve(dir, flags));
}
