import type { Command } from 'commander';

/**
 * Every subcommand, in help order. Each module owns its flags and calls typed
 * library functions; none prints library internals.
 */
export type Register = (program: Command) => void;

export const commands: Register[] = [];
