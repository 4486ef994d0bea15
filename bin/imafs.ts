#!/usr/bin/env node
/**
 * The imafs CLI: a thin shell that wires commander to typed functions in
 * client/, appraiser/ and server/. Each subcommand lives in bin/commands/<name>.ts
 * and exports `register(program)`; all errors reach one fatal handler.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { commands } from './commands/index.js';
import { reportFatal } from './fatal.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
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
  for (const register of commands) register(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportFatal(err, argv.includes('--debug'));
  }
}

// Only run when executed, not when imported (docs generation and tests import buildProgram).
if (process.argv[1] && import.meta.url === new URL(`file://${(await import('node:fs')).realpathSync(process.argv[1])}`).href) {
  process.exitCode = await main(process.argv);
}
