/** Runs the built CLI (dist/bin/imafs.js) as a child and collects its output. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { IMAFS_BIN } from '../../helpers/imafs-serve.js';

export const IMAFS = IMAFS_BIN;

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export async function runCli(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  const child = spawn(process.execPath, [IMAFS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout: Buffer.concat(out), stderr };
}

/** `imafs cat` hashing stdout as it streams (no 64 MiB buffer in the test). */
export async function catSha256(url: string, extra: string[] = []): Promise<{ code: number | null; sha256: string; bytes: number; stderr: string }> {
  const child = spawn(process.execPath, [IMAFS, 'cat', ...extra, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  const h = createHash('sha256');
  let bytes = 0;
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { h.update(d); bytes += d.length; });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, sha256: h.digest('hex'), bytes, stderr };
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
