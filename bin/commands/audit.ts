import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { auditSource, type AuditCommandOptions } from '../audit/audit-command.js';
import { EXIT } from '../exit-codes.js';

function jobs(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256) throw new InvalidArgumentError('must be an integer from 1 to 256');
  return Number(v);
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/**
 * `imafs audit`: appraise every regular file of an NFS export or a local
 * directory without FUSE, for CI. Exit 0 all allowed, 1 any denied or
 * unreadable, 2 usage/configuration, 3 source unreachable (docs/ci.md).
 */
export function register(program: Command): void {
  program
    .command('audit')
    .description('appraise every file of an NFS export or local directory and report the verdicts (text, JSON or JUnit) for CI')
    .argument('<source>', 'nfs://host[:port]/path, host:/path, or a local directory (then security.ima xattrs are read locally)')
    .option('--keys <cert|dir>', 'trusted signing certificate (PEM or DER), or a directory of them; repeatable', collect, [])
    .option('--ca <cert|dir>', 'CA certificate: signing certificates must chain to one; repeatable', collect, [])
    .addOption(new Option('--policy <mode>', 'strict: deny unless the verdict is ok; audit: allow all, report verdicts').choices(['strict', 'audit']).default('strict'))
    .option('--require-signature', 'a digest alone is not enough: every appraised file needs a signature')
    .option('--policy-file <file>', 'policy rules by path and access kind (docs/appraisal.md); flags override its settings')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'junit']).default('text'))
    .option('--output <file>', 'write the report to this file (the text summary still goes to stdout unless --quiet)')
    .option('--jobs <n>', 'files fetched and hashed in parallel', jobs, 8)
    .option('-q, --quiet', 'no progress bar, and no stdout output when --output is given')
    .option('--ima-attr <n>', 'FATTR4_IMA attribute number (the draft assigns none)', (v) => Number(v), 93)
    .option('--integrity-status <n>', 'NFS4ERR_INTEGRITY status number', (v) => Number(v), 10097)
    .action(async (source: string, opts: AuditCommandOptions) => {
      const { report, formatted, text } = await auditSource(source, opts);
      if (opts.output) {
        await writeFile(opts.output, formatted);
        if (!opts.quiet) process.stdout.write(text());
      } else {
        process.stdout.write(formatted);
      }
      process.exitCode = report.summary.denied > 0 ? EXIT.FAILED : EXIT.OK;
    });
}
