import type { Command } from '../commander.js';
import { EXIT } from '../exit-codes.js';
import { runDemo } from '../demo/run-demo.js';

/**
 * `imafs demo`: README's first command. Ctrl-C (or SIGTERM) aborts the run;
 * the demo then unmounts, stops its server and removes its temp dir before
 * exiting, so an interrupted demo leaves nothing behind either.
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('build a signed demo share, serve it, mount it under Strict, show good files run and bad ones refused, then clean up (root, needs /dev/fuse)')
    .action(async () => {
      const ac = new AbortController();
      const onSignal = (sig: NodeJS.Signals): void => {
        process.stderr.write(`\nimafs demo: ${sig}, cleaning up...\n`);
        ac.abort(new Error(sig));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const ok = await runDemo({ out: process.stdout, signal: ac.signal });
        process.exitCode = ok && !ac.signal.aborted ? EXIT.OK : EXIT.FAILED;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
