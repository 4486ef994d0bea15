/**
 * `imafs verify [appraisal flags] [--json] <file...>`: appraise local files by
 * their security.ima. Exit 0 when every file is allowed, 1 when any is denied
 * (or unreadable), 2 on a usage/configuration error.
 */
import { Option, type Command } from '../commander.js';
import { addAppraisalOptions } from '../appraisal-options.js';
import { uintOption } from '../uint-option.js';
import type { VerifyFlags } from './verify-run.js';

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description('appraise local files by their security.ima (evmctl-compatible) against trusted keys and a policy')
    .argument('<file...>', 'files to appraise')
    .option('--json', 'print a JSON array of {path, verdict, allowed, reason}')
    .addOption(new Option('--access <kind>', 'access kind the policy rules see').choices(['read', 'exec']).default('read'))
    .option('--log <file>', 'append ima-sig lines (ascii_runtime_measurements format) to this file')
    .option('--json-log <file>', 'append JSON-lines measurement records to this file')
    .option('--threads <n>', 'worker threads besides the main one (default: CPUs - 1 for 1000+ files or 2-64 files of 64+ MiB in all, else none; 0: none)', uintOption('--threads', 0, 256));
  addAppraisalOptions(cmd);
  cmd.action(async (files: string[], flags: VerifyFlags) => {
    // Worker threads, when the run gets any, start before the appraiser modules and keys load,
    // so their own start-up (a new isolate and those modules, ~50 ms) overlaps this thread's.
    const run = import('./verify-run.js'); // loads while the threads start
    run.catch(() => {}); // awaited below; this only keeps a failed load from counting as unhandled meanwhile
    const { plannedWorkers, poolPlan } = await import('../../appraiser/io/pool-size.js');
    const n = poolPlan(files.length, flags.threads ?? plannedWorkers(files)).threads;
    const early = n > 0 ? (await import('../../appraiser/io/pool-thread.js')).startThreads(n) : null;
    return (await run).runVerify(files, flags, early);
  });
}
