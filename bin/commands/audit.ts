import { Command, Option } from '../commander.js';
import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../../client/errors.js';
import { auditSource, type AuditCommandOptions } from '../audit/audit-command.js';
import { addAppraisalOptions } from '../appraisal-options.js';
import { addClientOptions } from '../client-options.js';
import { EXIT } from '../exit-codes.js';
import { tuneV8ForShortRun } from '../short-run-v8.js';
import { uintOption } from '../uint-option.js';

async function openOutput(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'w');
  } catch (err) {
    throw new UsageError(`--output ${file}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * `imafs audit`: appraise every regular file of an NFS export or a local
 * directory without FUSE, for CI. Exit 0 all allowed, 1 any denied or
 * unreadable, 2 usage/configuration, 3 source unreachable (docs/ci.md).
 */
export function register(program: Command): void {
  const cmd = program
    .command('audit')
    .description('appraise every file of an NFS export or local directory and report the verdicts (text, JSON or JUnit) for CI')
    .argument('<source>', 'nfs://host[:port]/path, host:/path, or a local directory (then security.ima xattrs are read locally)');
  addAppraisalOptions(cmd);
  cmd
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'junit']).default('text'))
    .option('--output <file>', 'write the report to this file (the text summary still goes to stdout unless --quiet)')
    .option('--jobs <n>', 'files fetched and hashed in parallel (default: 64 over NFS, 8 for a local directory); over NFS small signed files are also read ahead, several batched COMPOUNDs in flight whatever N', uintOption('--jobs', 1, 256))
    .option('-q, --quiet', 'no progress bar, and no stdout output when --output is given');
  addClientOptions(cmd);
  cmd.action(async (source: string, opts: AuditCommandOptions) => {
    tuneV8ForShortRun();
    // Open the report file first: a typo in --output is a usage error, found before a long audit.
    const out = opts.output ? await openOutput(opts.output) : undefined;
    try {
      const { report, formatted, text } = await auditSource(source, opts);
      if (out) {
        await out.writeFile(formatted);
        if (!opts.quiet) process.stdout.write(text());
      } else {
        process.stdout.write(formatted);
      }
      process.exitCode = report.summary.denied > 0 ? EXIT.FAILED : EXIT.OK;
    } finally {
      await out?.close();
    }
  });
}
