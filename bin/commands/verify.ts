/**
 * `imafs verify [appraisal flags] [--json] <file...>`: appraise local files by
 * their security.ima. Exit 0 when every file is allowed, 1 when any is denied
 * (or unreadable), 2 on a usage/configuration error.
 */
import { Option, type Command } from 'commander';
import { addAppraisalOptions } from '../appraisal-options.js';
import type { VerifyFlags } from './verify-run.js';

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description('appraise local files by their security.ima (evmctl-compatible) against trusted keys and a policy')
    .argument('<file...>', 'files to appraise')
    .option('--json', 'print a JSON array of {path, verdict, allowed, reason}')
    .addOption(new Option('--access <kind>', 'access kind the policy rules see').choices(['read', 'exec']).default('read'))
    .option('--log <file>', 'append ima-sig lines (ascii_runtime_measurements format) to this file')
    .option('--json-log <file>', 'append JSON-lines measurement records to this file');
  addAppraisalOptions(cmd);
  cmd.action(async (files: string[], flags: VerifyFlags) => (await import('./verify-run.js')).runVerify(files, flags));
}
