import { readFileSync } from 'node:fs';

export interface Invocation {
  cmd: string;
  /** Arguments before the CLI's own: the rest of the #! line (one argument, as the kernel passes it) and the script. */
  pre: string[];
  label: string;
}

/**
 * A script as the kernel runs it from its `#!` line: the interpreter, the rest
 * of the line as ONE argument, then the script. For imafs that line drops
 * NODE_EXTRA_CA_CERTS (see bin/imafs.ts), which `node dist/bin/imafs.js` keeps.
 */
export function asUsersRunIt(script: string): Invocation {
  const first = readFileSync(script, 'latin1').split('\n', 1)[0];
  if (!first.startsWith('#!')) throw new Error(`${script} has no #! line`);
  const line = first.slice(2).trim();
  const sp = line.indexOf(' ');
  const cmd = sp < 0 ? line : line.slice(0, sp);
  return { cmd, pre: sp < 0 ? [script] : [line.slice(sp + 1).trim(), script], label: `imafs (#!${line})` };
}
