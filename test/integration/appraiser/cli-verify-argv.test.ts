/**
 * `imafs verify` hands long runs of file operands to commander folded into
 * one placeholder (bin/imafs.ts foldOperands). Whatever the arguments look
 * like, the files must come out exactly as given, in order, and options
 * among them must still be options: these runs pin that down against the
 * built CLI.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';
import { evmSign, makeKey, tmpDir, writeContent, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';

function imafs(cwd: string, ...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [IMAFS_BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('imafs verify: file operands among options', () => {
  let t: TmpDir;
  let key: TestKey;
  const names = ['a', 'b', 'c', 'd', '-dash', 'e'];
  before(() => {
    t = tmpDir();
    key = makeKey(t.dir, 'rsa2048', { name: 'argv' }); // RSA: 3000 verifications in well under a second
    for (const n of names) {
      writeContent(join(t.dir, n), 100);
      evmSign(join(t.dir, n), key, 'sha256');
    }
  });
  after(() => t?.cleanup());

  const ok = (f: string): string => `${f}: allowed ok (signature verified with key ${key.skidKeyid} from ${key.cert})`;

  it('files before, between and after options, in argument order', () => {
    const r = imafs(t.dir, 'verify', 'a', 'b', '--keys', key.cert, 'c', 'd', '--access', 'exec', 'e', 'a');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), ['a', 'b', 'c', 'd', 'e', 'a'].map(ok));
  });

  it('after --, an argument starting with - is a file; an unknown option is still an error', () => {
    const r = imafs(t.dir, 'verify', '--keys', key.cert, 'a', 'b', '--', '-dash', 'c', 'd');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), ['a', 'b', '-dash', 'c', 'd'].map(ok));
    const bad = imafs(t.dir, 'verify', '--keys', key.cert, 'a', 'b', '--bogus', 'c', 'd');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option '--bogus'/);
    assert.equal(bad.stdout, '');
  });

  it('an empty argument and a missing file keep their places', () => {
    const r = imafs(t.dir, 'verify', '--keys', key.cert, '--json', 'a', '', 'missing', 'b');
    assert.equal(r.status, 1, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ path: string; verdict: string; allowed: boolean }>;
    assert.deepEqual(rows.map((x) => [x.path, x.verdict, x.allowed]), [['a', 'ok', true], ['', 'error', false], ['missing', 'error', false], ['b', 'ok', true]]);
  });

  it('thousands of files (threads, folded operands): every one in order', () => {
    const many = Array.from({ length: 3000 }, (_, i) => names.filter((n) => n !== '-dash')[i % 5]);
    const r = imafs(t.dir, 'verify', ...many.slice(0, 1000), '--keys', key.cert, ...many.slice(1000));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), many.map(ok));
  });
});
