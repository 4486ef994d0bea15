/**
 * `imafs demo` runs to completion (exit 0) and leaves no mount, no process and
 * no temp dir; interrupted with SIGINT while its mount is up, it still cleans
 * up everything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';

interface Run { status: number | null; out: string; dir: string | undefined }

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((mp): mp is string => mp !== undefined && mp.startsWith(dir));
}

/** PIDs whose command line mentions `dir` (the demo's server and mount both name it). */
function processesMentioning(dir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)) pids.push(Number(p));
    } catch { /* exited meanwhile */ }
  }
  return pids;
}

function runDemo(interruptAfter?: RegExp): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [IMAFS_BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const onData = (d: Buffer): void => {
      out += d.toString('utf8');
      if (interruptAfter && !sent && interruptAfter.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out, dir: /Working in (\S+) \(removed at the end\)/.exec(out)?.[1] });
    });
  });
}

function assertClean(r: Run): void {
  assert.ok(r.dir, `no temp dir line in:\n${r.out}`);
  assert.deepEqual(mountsUnder(r.dir!), [], r.out);
  assert.deepEqual(processesMentioning(r.dir!), [], r.out);
  assert.equal(existsSync(r.dir!), false, `${r.dir} still exists\n${r.out}`);
}

test('imafs demo runs to completion, exit 0, every check ok, nothing left behind', async () => {
  const r = await runDemo();
  assert.equal(r.status, 0, r.out);
  assertClean(r);
  assert.doesNotMatch(r.out, /FAIL/);
  for (const step of ['[1/6]', '[2/6]', '[3/6]', '[4/6]', '[5/6]', '[6/6]']) assert.ok(r.out.includes(step), `${step}\n${r.out}`);
  assert.match(r.out, /ok {4}bin\/\S+ runs: /);
  assert.match(r.out, /ok {4}bin\/hello\.sh runs: hello from a signed script/);
  assert.match(r.out, /ok {4}bin\/tampered\.sh refused: cat and exec get EACCES/);
  assert.match(r.out, /ok {4}bin\/unsigned\.sh refused: cat and exec get EACCES/);
  assert.match(r.out, /digest-mismatch/);
  assert.match(r.out, /no-metadata/);
  assert.match(r.out, /Cleaning up: unmounted, server stopped, \S+ removed\./);
  assert.match(r.out, /All \d+ checks behaved as described\./);
});

test('imafs demo interrupted with SIGINT while mounted cleans up, exit 1', async () => {
  const r = await runDemo(/\[4\/6\]/);
  assert.equal(r.status, 1, r.out);
  assertClean(r);
  assert.match(r.out, /SIGINT, cleaning up/);
  assert.match(r.out, /Interrupted: cleaned up\./);
});
