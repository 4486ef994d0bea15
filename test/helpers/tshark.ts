/**
 * Wire checks with an independent dissector: capture loopback traffic on one
 * TCP port with tshark, then ask tshark (decoding that port as ONC RPC, so
 * NFS on a non-standard port is dissected) for malformed frames and
 * expert-info errors.
 *
 *   const cap = await startCapture(port);  t.after(() => cap.stop());
 *   ... traffic ...
 *   await cap.stop();
 *   const r = analyzeCapture(cap.file, port);  // { nfsFrames, problems }
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Capture {
  readonly file: string;
  /** tshark's messages so far (its summary says how many packets were dropped). */
  messages(): string;
  readonly pid: number | undefined;
  /** Stops tshark (SIGINT so it flushes the file) and waits for it. Idempotent. */
  stop(): Promise<void>;
  /** Removes the capture's temp dir (after stop). */
  remove(): void;
}

export interface CaptureAnalysis {
  /** Frames tshark dissected as NFS. */
  nfsFrames: number;
  /** Frames tshark dissected as RPC (calls and replies). */
  rpcFrames: number;
  /** One summary line per malformed or expert-error frame; empty when the wire is clean. */
  problems: string[];
  /** NFS operation summary lines (for assertion messages). */
  nfsSummary: string[];
}

function waitExit(c: ChildProcess, ms: number): Promise<boolean> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    c.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}

/** Starts `tshark -i lo -f 'tcp port P' -w FILE` and resolves once it is capturing. */
export async function startCapture(port: number, timeoutMs = 15_000): Promise<Capture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'imafs-tshark-'));
  const file = path.join(dir, 'capture.pcapng');
  // -B 64: a 64 MiB kernel buffer, so a loaded machine does not drop frames (a
  // dropped segment would break RPC reassembly and look like our fault).
  const child = spawn('tshark', ['-i', 'lo', '-B', '64', '-f', `tcp port ${port}`, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    // Give the kernel a moment to hand the last frames to the capture.
    await new Promise((r) => setTimeout(r, 300));
    process.kill(child.pid, 'SIGINT');
    if (!(await waitExit(child, 10_000)) && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
      await waitExit(child, 5000);
    }
  };
  const deadline = Date.now() + timeoutMs;
  // tshark says "Capturing on" before dumpcap's filter is live; "File:" comes
  // after "Capture started", and a short settle covers the rest.
  while (!/Capture started|File: /.test(stderr)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`tshark did not start capturing: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 500));
  return { file, pid: child.pid, stop, messages: () => stderr, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function tshark(args: string[]): string[] {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/** Dissects a capture with `-d tcp.port==PORT,rpc` and reports NFS frames and problems. */
export function analyzeCapture(file: string, port: number): CaptureAnalysis {
  const decode = ['-d', `tcp.port==${port},rpc`];
  const problems = tshark(['-r', file, ...decode, '-Y', '_ws.malformed || _ws.expert.severity == error']);
  const nfsSummary = tshark(['-r', file, ...decode, '-Y', 'nfs']);
  const rpcFrames = tshark(['-r', file, ...decode, '-Y', 'rpc']).length;
  return { nfsFrames: nfsSummary.length, rpcFrames, problems, nfsSummary };
}
