/**
 * `npm run bench [name...]`: runs every bench/<name>.bench.ts (compiled) in turn.
 * Each bench module exports `run(): Promise<void>` and prints its own table:
 * medians over several runs, MiB/s or seconds, and the ratio against the named
 * peer measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no benchmarks matched ${wanted.join(' ') || '(all)'}\n`);
  process.exitCode = 2;
}
for (const f of files) {
  process.stdout.write(`\n=== ${f.replace(/\.bench\.js$/, '')} ===\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run: () => Promise<void> };
  await mod.run();
}
