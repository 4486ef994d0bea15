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
import { addAppraisalOptions } from '../appraisal-options.js';
import { DEFAULT_LISTEN } from '../../server/listen-address.js';
import type { ServeFlags } from './serve-run.js';

function uint(what: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}`);
    return Number(v);
  };
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
  cmd.action(async (dir: string, flags: ServeFlags) => (await import('./serve-run.js')).serve(dir, flags));
}
