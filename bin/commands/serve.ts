/**
 * `imafs serve <dir>`: export a directory over NFSv4.0/4.1/4.2 with each
 * file's security.ima as FATTR4_IMA (server/, docs/server.md).
 *
 * stdout gets one ready line once listening:
 *   imafs serve: listening on 127.0.0.1:2049 exporting /srv/software
 * stderr gets one line per client connection, per refused request and per
 * IMA metadata change. SIGTERM / SIGINT stop it cleanly (exit 0).
 */
import { Option, type Command } from '../commander.js';
import { addAppraisalOptions } from '../appraisal-options.js';
import { DEFAULT_LISTEN } from '../../server/listen-address.js';
import { DEFAULT_IMA_ATTR } from '../../client/nfs4/constants.js';
import { DEFAULT_INTEGRITY_STATUS } from '../../client/nfs4/status.js';
import { uintOption } from '../uint-option.js';
import type { ServeFlags } from './serve-run.js';

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('export a directory over NFSv4 with its IMA metadata (security.ima) as FATTR4_IMA')
    .argument('<dir>', 'directory to export; it is the root of nfs://host:port/')
    .option('--listen <host:port>', 'address to listen on; 0.0.0.0 or [::] only when given explicitly', DEFAULT_LISTEN)
    .option('--ima-updates <rules>', 'who may change IMA metadata: none | root | owner | clients=<addr|cidr>[;...], comma-combined', 'none')
    .addOption(new Option('--appraise <mode>', 'appraise files before OPEN/READ with the appraiser (uses --keys, --ca, --policy-file ...)').choices(['strict', 'audit']))
    .option('--ima-attr <n>', 'FATTR4_IMA attribute number (the draft assigns none)', uintOption('--ima-attr', 0, 255), DEFAULT_IMA_ATTR)
    .option('--integrity-status <n>', 'NFS4ERR_INTEGRITY status number', uintOption('--integrity-status', 1, 0xffffffff), DEFAULT_INTEGRITY_STATUS)
    .option('--lease <seconds>', 'NFSv4 lease time', uintOption('--lease', 1, 3600), 90)
    .option('--handle-key <file>', 'key for file handles that survive restarts (created if missing)')
    .option('--max-connections <n>', 'refuse connections beyond this many', uintOption('--max-connections', 1, 65535));
  addAppraisalOptions(cmd);
  // Bad flags, keys or a missing export directory exit 2 through bin/exit-codes.ts.
  cmd.action(async (dir: string, flags: ServeFlags) => (await import('./serve-run.js')).serve(dir, flags));
}
