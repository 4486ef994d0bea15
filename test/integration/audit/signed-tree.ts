/**
 * The audit tests' fixture: a tree signed with real evmctl, with one file of
 * every outcome. Used locally and exported over NFS so both give the same counts.
 *
 *   good/a.bin          RSA sha256 signature          ok
 *   good/run.sh         executable, sha256 signature  ok
 *   good/sub/deep.txt   sha512 signature              ok
 *   digest-only.bin     evmctl ima_hash sha256        ok (signature-required with --require-signature)
 *   tampered.bin        signed, then appended to      digest-mismatch
 *   unsigned.txt        no security.ima               no-metadata
 *   weird.bin           0x7f garbage                  unknown-format
 *   other-key.bin       signed by an untrusted key    unknown-key
 *   link -> good/a.bin  symlink                       skipped
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evmHash, evmSign, makeKey, writeContent, writeIma, type TestKey } from '../../helpers/ima-keys.js';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';

export const TREE_FILES = 8;
export const TREE_BY_CODE = { 'digest-mismatch': 1, 'no-metadata': 1, ok: 4, 'unknown-format': 1, 'unknown-key': 1 };
/** Bytes measured: every file whose value names a usable algorithm is read in full. */
export const TREE_BYTES = 4097 + 18 + 100 + 1000 + 5001 + 64;
export const TREE_PATHS = ['/digest-only.bin', '/good/a.bin', '/good/run.sh', '/good/sub/deep.txt', '/other-key.bin', '/tampered.bin', '/unsigned.txt', '/weird.bin'];

export function makeSignedTree(dir: string, keysDir: string): { tree: string; key: TestKey; other: TestKey } {
  const key = makeKey(keysDir, 'rsa2048', { name: 'publisher' });
  const other = makeKey(keysDir, 'p256', { name: 'stranger' });
  const tree = dir;
  mkdirSync(join(tree, 'good', 'sub'), { recursive: true });
  writeContent(join(tree, 'good', 'a.bin'), 4097, 1);
  evmSign(join(tree, 'good', 'a.bin'), key, 'sha256');
  writeFileSync(join(tree, 'good', 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(tree, 'good', 'run.sh'), 0o755);
  evmSign(join(tree, 'good', 'run.sh'), key, 'sha256');
  writeContent(join(tree, 'good', 'sub', 'deep.txt'), 100, 2);
  evmSign(join(tree, 'good', 'sub', 'deep.txt'), key, 'sha512');
  writeContent(join(tree, 'digest-only.bin'), 1000, 3);
  evmHash(join(tree, 'digest-only.bin'), 'sha256');
  writeContent(join(tree, 'tampered.bin'), 5000, 4);
  evmSign(join(tree, 'tampered.bin'), key, 'sha256');
  appendFileSync(join(tree, 'tampered.bin'), 'x');
  writeContent(join(tree, 'unsigned.txt'), 10, 5);
  writeContent(join(tree, 'weird.bin'), 10, 6);
  writeIma(join(tree, 'weird.bin'), Buffer.from([0x7f, 1, 2, 3]));
  writeContent(join(tree, 'other-key.bin'), 64, 7);
  evmSign(join(tree, 'other-key.bin'), other, 'sha256');
  symlinkSync('good/a.bin', join(tree, 'link'));
  return { tree, key, other };
}

export interface CliResult { status: number | null; stdout: string; stderr: string }

export function imafs(args: string[], opts: { timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [IMAFS_BIN, ...args], { encoding: 'utf8', timeout: opts.timeout ?? 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface JsonReport {
  source: string;
  policy: string;
  files: Array<{ path: string; verdict: string; allowed: boolean; reason: string; size: number; keyid?: string; error?: { code: string; status?: string } }>;
  summary: { files: number; allowed: number; denied: number; errors: number; skipped: number; bytes: number; byCode: Record<string, number> };
}

/** The exact summary of a Strict audit of the whole tree, wherever it is read from (local or NFS). */
export function assertStrictTreeSummary(rep: JsonReport): void {
  assert.deepEqual(rep.summary.byCode, TREE_BY_CODE);
  assert.equal(rep.summary.files, TREE_FILES);
  assert.equal(rep.summary.allowed, 4);
  assert.equal(rep.summary.denied, 4);
  assert.equal(rep.summary.errors, 0);
  assert.equal(rep.summary.skipped, 1);
  assert.equal(rep.summary.bytes, TREE_BYTES);
}
