/**
 * What `imafs serve` does once its flags are parsed (bin/commands/serve.ts
 * defines the flags and imports this module only when the command runs, so
 * other commands never load the server).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadAppraisal, type AppraisalFlags } from '../appraisal-options.js';
import { ImafsServerError, parseListen, startServer } from '../../server/index.js';

export interface ServeFlags extends AppraisalFlags {
  listen: string;
  imaUpdates: string;
  appraise?: 'strict' | 'audit';
  imaAttr: number;
  integrityStatus: number;
  lease: number;
  handleKey?: string;
  maxConnections?: number;
}

/** A stable file-handle key: read it, or create it (32 random bytes, mode 0600) the first time. */
async function handleKey(file: string): Promise<Buffer> {
  try {
    const k = await readFile(file);
    if (k.length < 16) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--handle-key ${file}: key must be at least 16 bytes`);
    return k;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof ImafsServerError) throw err;
      throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--handle-key ${file}: ${(err as Error).message}`, err);
    }
    const k = randomBytes(32);
    await writeFile(file, k, { mode: 0o600, flag: 'wx' });
    return k;
  }
}

export async function serve(dir: string, f: ServeFlags): Promise<void> {
  const { host, port } = parseListen(f.listen);
  // --appraise is the serve spelling; the shared --policy flag means the same here.
  const mode = f.appraise ?? f.policy;
  const appraise = mode && mode !== 'disabled' ? await loadAppraisal({ ...f, policy: mode }) : undefined;
  const log = (line: string): void => void process.stderr.write(`imafs serve: ${line}\n`);
  const server = await startServer({
    root: dir,
    host,
    port,
    imaAttr: f.imaAttr,
    integrityStatus: f.integrityStatus,
    imaUpdates: f.imaUpdates,
    leaseSeconds: f.lease,
    handleKey: f.handleKey ? await handleKey(f.handleKey) : undefined,
    appraise,
    maxConnections: f.maxConnections,
    log,
  });
  const a = server.address();
  const shown = a.host.includes(':') ? `[${a.host}]` : a.host;
  process.stdout.write(`imafs serve: listening on ${shown}:${a.port} exporting ${path.resolve(dir)}\n`);
  log(`FATTR4_IMA=${f.imaAttr} NFS4ERR_INTEGRITY=${f.integrityStatus} ima-updates=${f.imaUpdates}${appraise ? ` appraise=${appraise.policy.mode} keys=${appraise.keyring.size}` : ''}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await server.close();
  log(`stopped (${signal})`);
}

