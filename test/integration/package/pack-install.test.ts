/**
 * `npm pack` produces a package that installs into an empty project and runs
 * `imafs --help` from the tarball, with no dev toolchain: the tarball carries
 * compiled JavaScript, and dependencies come from the registry (or npm's cache).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../../bin/imafs.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; version: string };
const work = mkdtempSync(join(tmpdir(), 'imafs-pack-'));
let tarball = '';
let files: string[] = [];

function run(cmd: string, args: string[], cwd: string, timeout = 300_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  // The suite runs from dist/, already built: --ignore-scripts keeps `prepare`
  // from rebuilding (and from failing on another part's unfinished file).
  const r = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], repo);
  assert.equal(r.status, 0, `npm pack failed: ${r.stderr}`);
  const info = JSON.parse(r.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, info[0].filename);
  files = info[0].files.map((f) => f.path);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('the tarball holds compiled code, README and docs, and no tests or sources', () => {
  assert.equal(readdirSync(work).filter((f) => f.endsWith('.tgz')).length, 1);
  for (const f of ['package.json', 'README.md', 'dist/bin/imafs.js', 'docs/cli.md']) assert.ok(files.includes(f), `${f} in tarball`);
  assert.deepEqual(files.filter((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/')), []);
  assert.deepEqual(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')), []);
});

test('npm install of the tarball gives a working `imafs --help` and `--version`', () => {
  const proj = join(work, 'project');
  run('mkdir', ['-p', proj], work);
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'imafs-pack-check', version: '1.0.0', private: true }));
  const inst = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], proj, 600_000);
  assert.equal(inst.status, 0, `npm install failed: ${inst.stderr}`);
  const bin = join(proj, 'node_modules', '.bin', 'imafs');
  const help = run(bin, ['--help'], proj);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: imafs \[options\]/m);
  for (const c of buildProgram().commands) assert.match(help.stdout, new RegExp(`^  ${c.name()}\\b`, 'm'), `${c.name()} listed`);
  assert.equal(help.stderr, '');
  const ver = run(bin, ['--version'], proj);
  assert.equal(ver.status, 0);
  assert.equal(ver.stdout.trim(), pkg.version);
  // The installed copy is the packed one, not a link back into the repo.
  const installed = JSON.parse(readFileSync(join(proj, 'node_modules', pkg.name, 'package.json'), 'utf8')) as { version: string };
  assert.equal(installed.version, pkg.version);
});
