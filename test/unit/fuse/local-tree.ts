/**
 * A RemoteTree over a local directory, for the mount core's unit tests: the
 * same interface NfsClient offers, with hooks to inject faults a real server
 * cannot be made to produce on cue (a file rewritten while it is being read).
 * security.ima comes from the real xattr (written by evmctl in the tests).
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { RemoteDirEntry, RemoteStat, RemoteTree } from '../../../appraiser/fuse/remote-tree.js';
import { readIma } from '../../helpers/ima-keys.js';

export interface LocalTreeOptions {
  imaSupported?: boolean;
  /** Called after each chunk of a read stream is produced (fault injection). */
  onChunk?: (path: string, bytesSoFar: number) => void;
  chunkSize?: number;
}

export class LocalTree implements RemoteTree {
  readonly imaSupported: boolean;
  calls = { stat: 0, getIma: 0, reads: 0 };
  constructor(readonly root: string, private readonly o: LocalTreeOptions = {}) {
    this.imaSupported = o.imaSupported ?? true;
  }

  private abs(p: string): string {
    return join(this.root, p);
  }

  async stat(p: string): Promise<RemoteStat> {
    this.calls.stat++;
    const s = await lstat(this.abs(p), { bigint: true });
    const type = s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'fifo';
    return {
      type, size: Number(s.size), mode: Number(s.mode) & 0o7777, numlinks: Number(s.nlink), uid: Number(s.uid), gid: Number(s.gid),
      fileid: s.ino, change: s.ctimeNs, atime: s.atime, mtime: s.mtime, ctime: s.ctime,
    };
  }

  async readdir(p: string): Promise<RemoteDirEntry[]> {
    return (await readdir(this.abs(p))).map((name) => ({ name }));
  }

  async readlink(p: string): Promise<string> {
    return await readlink(this.abs(p));
  }

  async access(): Promise<number> {
    return 0x3f;
  }

  createReadStream(p: string): Readable {
    this.calls.reads++;
    const s = createReadStream(this.abs(p), { highWaterMark: this.o.chunkSize ?? 64 * 1024 });
    let n = 0;
    if (this.o.onChunk) s.on('data', (c) => { n += (c as Buffer).length; this.o.onChunk!(p, n); });
    return s;
  }

  async getIma(p: string): Promise<Buffer | null> {
    this.calls.getIma++;
    if (!this.imaSupported) return null;
    return readIma(this.abs(p)) ?? Buffer.alloc(0);
  }

  async close(): Promise<void> {}
}
