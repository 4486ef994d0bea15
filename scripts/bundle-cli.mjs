/**
 * Bundles the CLI that `tsc` wrote to dist/bin/imafs.js into a few files, in
 * place, so a run of `imafs` loads a handful of modules instead of 80-140.
 *
 * Why: Node 20's ES module loader costs about 1 ms per module here (resolve,
 * read, compile, link), and `imafs stat` of one file loaded 76 of them: 60 ms
 * of its 230. Everything else in dist/ stays as tsc wrote it (the library
 * entry points, the tests, mount.imafs, which imports the bundled CLI).
 *
 * Layout, chosen so every path the code resolves from import.meta.url holds in
 * both the bundled and the unbundled form:
 *   dist/bin/imafs.js             entry (the commands are loaded lazily, one chunk each)
 *   dist/bin/chunk-*.js           shared code; dist/bin/../../package.json is the package's
 *   dist/bin/hash-worker.js       worker entries, next to the chunks that start them
 *   dist/bin/appraisal-worker.js    (new URL('./hash-worker.js', import.meta.url))
 * npm packages stay external: they are CommonJS or native and load with require().
 * No source maps: the chunks are unminified (names and lines read as the
 * TypeScript does), and maps would double the package's size.
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'bin');
const MARK = '/* imafs: bundled by scripts/bundle-cli.mjs */';

// Bundling the bundle would chain chunks of two builds: start from tsc's output only.
if (readFileSync(join(bin, 'imafs.js'), 'utf8').includes(MARK)) {
  process.stderr.write('bundle-cli: dist/bin/imafs.js is already bundled; run tsc first (npm run build does both)\n');
  process.exit(1);
}
for (const f of readdirSync(bin)) if (/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(f)) rmSync(join(bin, f));
// tsc's map of the entry would describe a file that is no longer there.
rmSync(join(bin, 'imafs.js.map'), { force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: {
    imafs: 'dist/bin/imafs.js',
    'hash-worker': 'dist/appraiser/fuse/hash-worker.js',
    'appraisal-worker': 'dist/appraiser/io/appraisal-worker.js',
  },
  outdir: 'dist/bin',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  banner: { js: MARK },
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
process.stdout.write(`bundle-cli: ${Object.keys(result.metafile.inputs).length} modules -> ${outputs.length} files in dist/bin\n`);
