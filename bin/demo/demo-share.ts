/**
 * The demo share: four files that show every outcome a newcomer should see.
 *
 *   bin/<tool>        a copy of a system binary, signed          -> runs
 *   bin/hello.sh      a #!/bin/sh script, signed                 -> runs
 *   bin/tampered.sh   signed, then changed (a supply-chain hack) -> refused, digest-mismatch
 *   bin/unsigned.sh   never signed                               -> refused, no-metadata
 *
 * Signing goes through `imafs sign` (the same command a publisher runs), so
 * the demo exercises the real signer and writes real security.ima xattrs.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imafs } from './child-processes.js';
import type { DemoKeys } from './demo-keys.js';

export interface DemoFile {
  /** Path inside the share. */
  path: string;
  what: string;
  expect: 'runs' | 'refused';
  /** For files that run: arguments and the exact stdout expected. */
  args?: string[];
  stdout?: string;
}

const SYSTEM_BINARIES = ['/usr/bin/id', '/bin/id', '/usr/bin/true', '/bin/true'];

export const HELLO = 'hello from a signed script';

export function pickSystemBinary(): string {
  const found = SYSTEM_BINARIES.find((p) => existsSync(p));
  if (!found) throw new Error(`no system binary to copy (looked for ${SYSTEM_BINARIES.join(', ')})`);
  return found;
}

function script(body: string): string {
  return `#!/bin/sh\n${body}\n`;
}

/** Builds the share under `dir` and signs it; returns the files and the sign command shown to the user. */
export async function buildDemoShare(dir: string, keys: DemoKeys, systemBinary: string, expectedToolOutput: string): Promise<{ files: DemoFile[]; signArgs: string[] }> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const tool = systemBinary.split('/').pop()!;
  copyFileSync(systemBinary, join(bin, tool));
  writeFileSync(join(bin, 'hello.sh'), script(`echo "${HELLO}"`));
  writeFileSync(join(bin, 'tampered.sh'), script('echo "the publisher wrote this"'));
  writeFileSync(join(bin, 'unsigned.sh'), script('echo "nobody signed this"'));
  for (const f of [tool, 'hello.sh', 'tampered.sh', 'unsigned.sh']) chmodSync(join(bin, f), 0o755);

  const signArgs = ['sign', '--key', keys.key, '--cert', keys.cert, '--hash', 'sha256', join(bin, tool), join(bin, 'hello.sh'), join(bin, 'tampered.sh')];
  const r = await imafs(signArgs);
  if (r.status !== 0) throw new Error(`imafs sign failed (exit ${r.status}): ${r.stderr.trim() || r.stdout.trim()}`);
  // After signing: an attacker with write access to the share changes one file.
  writeFileSync(join(bin, 'tampered.sh'), script('echo "the publisher wrote this"; echo "and an attacker added this"'));

  return {
    signArgs,
    files: [
      { path: `bin/${tool}`, what: `copy of ${systemBinary}, signed`, expect: 'runs', args: [], stdout: expectedToolOutput },
      { path: 'bin/hello.sh', what: '#!/bin/sh script, signed', expect: 'runs', args: [], stdout: `${HELLO}\n` },
      { path: 'bin/tampered.sh', what: 'signed, then changed', expect: 'refused' },
      { path: 'bin/unsigned.sh', what: 'never signed', expect: 'refused' },
    ],
  };
}
