import { CommanderError } from './commander.js';
import { exitCodeFor } from './exit-codes.js';

/** The one place that turns an error into a message and an exit code. */
export function reportFatal(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // commander has already printed usage errors; --help and --version exit 0.
    return err.exitCode === 0 ? 0 : 2;
  }
  const e = err as { message?: string; code?: string; stack?: string };
  const code = exitCodeFor(err);
  process.stderr.write(`imafs: ${e?.message ?? String(err)}${e?.code ? ` [${e.code}]` : ''}\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  return code;
}
