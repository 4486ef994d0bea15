import { fileURLToPath } from 'node:url';

/**
 * The path of the imafs CLI script (dist/bin/imafs.js), for the processes
 * imafs starts itself (the mount daemon, the demo's children). It is resolved
 * from this module, which sits next to the script both as tsc writes it and
 * once scripts/bundle-cli.mjs has bundled it (its code then lives in a chunk
 * in dist/bin/), so the relative path holds either way.
 */
export function cliScript(): string {
  return fileURLToPath(new URL('./imafs.js', import.meta.url));
}
