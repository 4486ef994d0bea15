/**
 * commander's classes, loaded with require() instead of an ES import. Node 20
 * runs an ES import of a CommonJS package through the ESM loader's CJS
 * translator, which also lexes every file that package require()s
 * (commander's lib/ is ~150 KB): about 15 ms of every CLI start here, while
 * require() of the same package costs a few. It only pays off once no module
 * on a command's path imports 'commander' directly any more, so bin/ modules
 * import it from here. Types still come from the package.
 */
import { createRequire } from 'node:module';
import type * as C from 'commander';

const commander = createRequire(import.meta.url)('commander') as typeof C;

export const { Command, Option, Argument, Help, CommanderError, InvalidArgumentError } = commander;
export type Command = C.Command;
export type Option = C.Option;
export type Argument = C.Argument;
export type Help = C.Help;
export type CommanderError = C.CommanderError;
export type InvalidArgumentError = C.InvalidArgumentError;
