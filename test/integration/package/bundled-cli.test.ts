/**
 * The CLI users run, dist/bin/imafs.js, is scripts/bundle-cli.mjs's bundle of
 * tsc's output: a run loads its own command's chunk and the shared chunks, not
 * the module tree under dist/client, dist/appraiser and dist/server (that
 * tree's per-module cost is why it is bundled). Every other CLI test runs the
 * bundle too; these check what only the bundling can break.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(repo, 'dist', 'bin');
const CLI = join(bin, 'imafs.js');
const MARK = '/* imafs: bundled by scripts/bundle-cli.mjs */';
const work = mkdtempSync(join(tmpdir(), 'imafs-bundle-'));
after(() => rmSync(work, { recursive: true, force: true }));

function imafs(args: string[], nodeArgs: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The file: URLs of every ES module a run of the CLI loads (a module.register resolve hook writes them down). */
function modulesLoaded(args: string[]): string[] {
  const log = join(work, `modules-${args[0]}.txt`);
  const hooks = join(work, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}\n`);
  const reg = join(work, 'register.mjs');
  writeFileSync(reg, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const r = imafs(args, ['--import', reg]);
  assert.equal(r.status, 0, r.stderr);
  return [...new Set(readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:')))];
}

test('dist/bin/imafs.js is the bundle, with its worker scripts beside its chunks', () => {
  const head = readFileSync(CLI, 'utf8').split('\n', 2);
  assert.match(head[0], /^#!\/usr\/bin\/env -S -u NODE_EXTRA_CA_CERTS node$/);
  assert.equal(head[1], MARK);
  // Chunks start their workers with new URL('./<name>.js', import.meta.url).
  for (const w of ['hash-worker.js', 'appraisal-worker.js']) {
    assert.ok(existsSync(join(bin, w)), `dist/bin/${w}`);
    assert.ok(readFileSync(join(bin, w), 'utf8').includes(MARK), `dist/bin/${w} is bundled`);
  }
});

test('a command loads its chunks from dist/bin, none of the unbundled tree', () => {
  for (const args of [['verify', '--help'], ['stat', '--help'], ['audit', '--help']]) {
    const mine = modulesLoaded(args).filter((u) => u.startsWith(pathToFileURL(join(repo, 'dist')).href));
    assert.ok(mine.length > 1 && mine.length <= 30, `${args[0]}: ${mine.length} modules from dist/`);
    const outside = mine.filter((u) => !u.startsWith(pathToFileURL(bin).href + '/') || u.slice(pathToFileURL(bin).href.length + 1).includes('/'));
    assert.deepEqual(outside, [], `${args[0]} loads only dist/bin/*.js`);
  }
});

test('a word that names no command module, or a helper module, gets the full program\'s error (exit 2)', () => {
  for (const word of ['nosuch', 'serve-run', 'index']) {
    const r = imafs([word]);
    assert.equal(r.status, 2, `${word}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`unknown command '${word}'`));
  }
});

test('the bundler refuses to bundle its own output (tsc must run first)', () => {
  const r = spawnSync(process.execPath, [join(repo, 'scripts', 'bundle-cli.mjs')], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already bundled; run tsc first/);
  assert.equal(readFileSync(CLI, 'utf8').split('\n')[1], MARK, 'the bundle is left as it was');
});
