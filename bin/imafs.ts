#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
/**
 * The imafs CLI: a thin shell that wires commander to typed functions in
 * client/, appraiser/ and server/. Each subcommand lives in bin/commands/<name>.ts
 * and exports `register(program)`; all errors reach one fatal handler.
 *
 * The shebang drops NODE_EXTRA_CA_CERTS: Node parses that CA bundle eagerly
 * at start-up (about 40 ms for Debian's ca-certificates.crt), and imafs never
 * speaks TLS. `env -S`/`-u` are GNU coreutils >= 8.30 (and BSD env);
 * `node dist/bin/imafs.js` still works and simply keeps the caller's env.
 */
import { Command } from './commander.js';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Register } from './commands/index.js';
import { reportFatal } from './fatal.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

const runAsCli = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;

/**
 * Every subcommand (bin/commands/index.ts). Importers (docs generation,
 * mount.imafs, tests) get them at once; the CLI itself loads them only when
 * it cannot run the one command it was asked for on its own (see main).
 */
let all: Register[] | undefined = runAsCli ? undefined : (await import('./commands/index.js')).commands;

function programWith(registers: readonly Register[]): Command {
  const program = new Command('imafs')
    .description('Use software from an NFS share only when its files are provably what their publisher signed')
    .version(version, '-V, --version', 'print the imafs version')
    .option('--debug', 'print stack traces and protocol traces (sets NODE_DEBUG=imafs*)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();
  program.hook('preAction', (cmd) => {
    if (cmd.opts().debug) process.env.NODE_DEBUG = [process.env.NODE_DEBUG, 'imafs*'].filter(Boolean).join(',');
  });
  for (const register of registers) register(program);
  return program;
}

export function buildProgram(): Command {
  if (!all) throw new Error('buildProgram: the subcommands are not loaded');
  return programWith(all);
}

/**
 * No module of that name: Node's error for the files tsc wrote, or the one the
 * bundled CLI's table of command chunks throws (scripts/bundle-cli.mjs). An
 * error raised while a module that exists is evaluated is not this.
 */
function isMissingModule(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  return err?.code === 'ERR_MODULE_NOT_FOUND' || (err instanceof Error && err.message.startsWith('Module not found in bundle: '));
}

/**
 * The program with only the subcommand named on the command line, loaded
 * from bin/commands/<name>.js. Importing every subcommand's modules costs
 * more CPU than `imafs cat` of a large file needs for its transfer (pkijs,
 * fuse-native, the server: about 150 ms here), so a run pays only for its own
 * command. Anything else (no command, --help/--version first, an alias, a
 * name that is not a module registering that command) gets the full program,
 * so help, errors and suggestions stay exactly those of the full CLI.
 */
async function singleCommandProgram(argv: readonly string[]): Promise<{ program: Command; cmd: Command; at: number } | undefined> {
  const at = argv.findIndex((a, k) => k >= 2 && a !== '--debug');
  const name = at < 0 ? undefined : argv[at];
  if (name === undefined || name === 'index' || !/^[a-z][a-z0-9-]*$/.test(name)) return undefined;
  let mod: { register?: unknown };
  try {
    mod = (await import(`./commands/${name}.js`)) as { register?: unknown };
  } catch (e) {
    if (isMissingModule(e)) return undefined;
    throw e;
  }
  if (typeof mod.register !== 'function') return undefined;
  const program = programWith([mod.register as Register]);
  const cmd = program.commands.find((c) => c.name() === name);
  return cmd ? { program, cmd, at } : undefined;
}

/**
 * commander examines every argument twice (as the program's, then as the
 * subcommand's: option lookups, a regex, an array push), about 1.2 us each:
 * 12 ms of `imafs verify` over 10,000 files. When the command's only
 * argument is variadic, a run of arguments that can only be its operands is
 * handed over as one placeholder and put back before the action runs, so
 * commander sees a handful. An argument is certainly an operand when neither
 * it nor the one before it starts with '-' (no option takes two values, and
 * the folding is off when an option is variadic). The placeholder holds a NUL,
 * which no real argument can.
 */
const RUN = '\0imafs-operands:';

/** `at`: the index of the command's name in argv (before it stand only program flags, singleCommandProgram). */
function foldOperands(program: Command, cmd: Command, argv: readonly string[], at: number): { argv: string[]; runs: string[][] } | undefined {
  const args = cmd.registeredArguments;
  if (args.length !== 1 || !args[0].variadic || args[0].parseArg) return undefined;
  if ([...program.options, ...cmd.options].some((o) => o.variadic)) return undefined;
  const plain = (a: string): boolean => a.length === 0 || a[0] !== '-';
  const out: string[] = [];
  const runs: string[][] = [];
  let i = at + 1;
  out.push(...argv.slice(0, i));
  while (i < argv.length) {
    let j = i;
    if (plain(argv[i - 1])) while (j < argv.length && plain(argv[j])) j++;
    if (j - i >= 2) {
      out.push(`${RUN}${runs.length}`);
      runs.push(argv.slice(i, j));
      i = j;
    } else out.push(argv[i++]);
  }
  return runs.length > 0 ? { argv: out, runs } : undefined;
}

function unfoldOperands(program: Command, runs: readonly string[][]): void {
  program.hook('preAction', (_program, cmd) => {
    const expand = (list: unknown): unknown => (Array.isArray(list)
      ? list.flatMap((a) => (typeof a === 'string' && a.startsWith(RUN) ? runs[Number(a.slice(RUN.length))] : [a]))
      : list);
    cmd.processedArgs = cmd.processedArgs.map(expand);
    cmd.args.splice(0, cmd.args.length, ...(expand(cmd.args) as string[]));
  });
}

async function main(argv: string[]): Promise<number> {
  // `imafs --version` alone prints what commander would, without loading every subcommand.
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  // mount.fuse runs "imafs SOURCE MOUNTPOINT -o OPTS" for fstab type fuse.imafs; a command name never holds ':'.
  if (argv[2]?.includes(':') && !argv[2].startsWith('-')) {
    const helper = await import('./mount-helper.js');
    if (helper.parseHelperArgs(argv.slice(2))) {
      all ??= (await import('./commands/index.js')).commands;
      return await helper.runMountHelper(argv.slice(2), buildProgram);
    }
  }
  try {
    const single = await singleCommandProgram(argv);
    let program: Command;
    if (single) {
      program = single.program;
      const folded = foldOperands(program, single.cmd, argv, single.at);
      if (folded) {
        unfoldOperands(program, folded.runs);
        argv = folded.argv;
      }
    } else {
      all ??= (await import('./commands/index.js')).commands;
      program = buildProgram();
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportFatal(err, argv.includes('--debug'));
  }
}

// Only run when executed, not when imported (docs generation and tests import buildProgram).
if (runAsCli) {
  process.exitCode = await main(process.argv);
}
