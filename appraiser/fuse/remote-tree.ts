/**
 * What the mount needs from an NFS export, as a small structural interface.
 * NfsClient (client/nfs-client.ts) satisfies it; unit tests pass a local
 * directory tree through the same shape, so the mount core is plain async code
 * that runs without FUSE and without NFS.
 *
 * Paths are relative to the export root, without a leading slash ('' is the root).
 */
import type { Readable } from 'node:stream';

export type RemoteType = 'file' | 'directory' | 'symlink' | 'block' | 'char' | 'socket' | 'fifo' | string;

export interface RemoteStat {
  type: RemoteType;
  size: number;
  /** Permission bits (07777); type bits, if present, are ignored. */
  mode: number;
  numlinks?: number;
  /** Numeric ids when the server sent numeric owners. */
  uid?: number | undefined;
  gid?: number | undefined;
  /** owner / owner_group as sent ("0" or "user@domain"). */
  owner?: string;
  ownerGroup?: string;
  fileid: bigint;
  /** NFSv4 change attribute (RFC 8881 §5.8.1.4): differs whenever content or metadata changed. */
  change: bigint;
  atime: Date | undefined;
  mtime: Date | undefined;
  ctime: Date | undefined;
}

export interface RemoteDirEntry {
  name: string;
  type?: RemoteType;
  stat?: RemoteStat;
}

export interface RemoteTree {
  /** The server listed FATTR4_IMA in supported_attrs (draft §5.3). */
  readonly imaSupported: boolean;
  stat(path: string): Promise<RemoteStat>;
  readdir(path: string): Promise<RemoteDirEntry[]>;
  readlink(path: string): Promise<string>;
  /** NFS ACCESS; resolves with the granted ACCESS4 bits (or rejects with an NFS status error). */
  access(path: string, mask: number): Promise<unknown>;
  /** Pipelined READs of the whole file, in order, with backpressure. */
  createReadStream(path: string, opts?: { start?: number; end?: number }): Readable;
  /** The same READs as an async iterable, without a stream in between (preferred when present). */
  read?(path: string): AsyncIterable<Buffer>;
  /** Hands a chunk from read() back for reuse; the caller no longer touches it. */
  recycle?(chunk: Buffer): void;
  /** null: the server lacks FATTR4_IMA; empty: the file has no metadata. Never cached. */
  getIma(path: string): Promise<Buffer | null>;
  close(): Promise<void>;
}

/** FUSE hands us '/a/b'; the export API wants 'a/b'. */
export function remotePath(fusePath: string): string {
  // FUSE gives exactly one leading slash: slice it (on every call of every open) without a regex.
  return fusePath.charCodeAt(0) === 47 && fusePath.charCodeAt(1) !== 47 ? fusePath.slice(1) : fusePath.replace(/^\/+/, '');
}
