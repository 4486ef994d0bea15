import type { Command } from '../commander.js';
import { addClientOptions, withClient, type ClientFlags } from '../client-options.js';

/**
 * Writes one chunk to stdout honouring backpressure; `written` runs once
 * stdout no longer needs the chunk. Resolves false when the reader went away
 * (EPIPE): `imafs cat f | head` then ends quietly.
 */
function writeOut(chunk: Buffer, written: () => void): Promise<boolean> {
  const out = process.stdout;
  if (out.destroyed || out.writableEnded) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (ok: boolean, err?: Error): void => {
      if (settled) return;
      settled = true;
      out.off('error', onError);
      out.off('drain', onDrain);
      if (err) reject(err);
      else resolve(ok);
    };
    const onError = (e: NodeJS.ErrnoException): void => done(false, e.code === 'EPIPE' ? undefined : e);
    const onDrain = (): void => done(true);
    out.once('error', onError);
    if (out.write(chunk, (err) => { if (!err) written(); })) done(true);
    else out.once('drain', onDrain);
  });
}

/**
 * `imafs cat <url>`: the file's bytes on stdout, binary-safe, read with
 * pipelined READs; stdout's backpressure throttles the reads.
 */
export function register(program: Command): void {
  const cmd = program
    .command('cat')
    .description('write an NFS file to stdout (like nfs-cat)')
    .argument('<url>', 'nfs://host[:port]/path or host:/path');
  addClientOptions(cmd).action(async (url: string, flags: ClientFlags) => {
    // An EPIPE after we stopped writing must not become an uncaught error.
    process.stdout.on('error', () => {});
    await withClient(url, flags, async (c) => {
      for await (const chunk of c.read('')) {
        // Once stdout has the bytes, the READ reply's memory serves a later READ.
        if (!(await writeOut(chunk, () => c.recycle(chunk)))) break;
      }
    });
  });
}
