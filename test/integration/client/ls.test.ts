import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { NfsClient } from '../../../client/nfs-client.js';
import { runCli } from './cli.js';

let g: Ganesha;
const names = Array.from({ length: 1000 }, (_, i) => `entry-${String(i).padStart(4, '0')}-${'x'.repeat(i % 40)}`);
test.before(async () => {
  g = await startGanesha();
  mkdirSync(`${g.exportDir}/big`);
  names.forEach((n, i) => writeFileSync(`${g.exportDir}/big/${n}`, Buffer.alloc(i % 7)));
  mkdirSync(`${g.exportDir}/big/subdir`);
  mkdirSync(`${g.exportDir}/empty`);
});
test.after(async () => { await g?.stop(); });

test('readdir of 1,000 entries takes several READDIR rounds and returns every entry once', async () => {
  const c = await NfsClient.connect(g.url());
  try {
    const before = c.stats.readdirRounds;
    const entries = await c.readdir('big');
    const rounds = c.stats.readdirRounds - before;
    assert.ok(rounds >= 3, `expected several READDIR rounds, got ${rounds}`);
    assert.equal(entries.length, 1001);
    assert.deepEqual(entries.map((e) => e.name).filter((n) => n !== 'subdir').sort(), [...names].sort());
    const byName = new Map(entries.map((e) => [e.name, e]));
    names.forEach((n, i) => {
      assert.equal(byName.get(n)!.type, 'file');
      assert.equal(byName.get(n)!.size, i % 7);
    });
    assert.equal(byName.get('subdir')!.type, 'directory');
    assert.ok(entries.every((e) => e.fh && e.error === undefined));
    assert.deepEqual(await c.readdir('empty'), []);
  } finally {
    await c.close();
  }
});

test('imafs ls --json: names, types and sizes of all 1,001 entries, exit 0', async () => {
  const r = await runCli(['ls', '--json', g.url('/big')]);
  assert.equal(r.code, 0, r.stderr);
  const arr = JSON.parse(r.stdout.toString()) as { name: string; type: string; size: number }[];
  assert.equal(arr.length, 1001);
  assert.deepEqual(arr.map((e) => e.name), [...names, 'subdir'].sort());
  const f = arr.find((e) => e.name === names[13])!;
  assert.deepEqual([f.type, f.size], ['file', 13 % 7]);
  assert.equal(typeof f.size, 'number');
});

test('imafs ls and ls -l print one line per entry', async () => {
  const r = await runCli(['ls', g.url('/big')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.toString().trimEnd().split('\n'), [...names, 'subdir'].sort());
  const l = await runCli(['ls', '-l', g.url('/big')]);
  assert.equal(l.code, 0, l.stderr);
  const lines = l.stdout.toString().trimEnd().split('\n');
  assert.equal(lines.length, 1001);
  assert.match(lines[lines.length - 1], /^drwx.* subdir$/);
  assert.match(lines[0], new RegExp(`^-rw-r--r-- +1 .* 0 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d ${names[0]}$`));
});
