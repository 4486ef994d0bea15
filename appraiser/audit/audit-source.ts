/**
 * What the audit engine needs from a tree of files, whether it lives on an NFS
 * export or in a local directory. Paths are '/'-separated and relative to the
 * audited root ('' is the root itself).
 */
export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface AuditEntry {
  /** '' for the root, else 'a/b/c' (no leading slash). */
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  /** How reports name the entry when not `/<path>` (a single audited file: its own name). */
  display?: string;
  /** Source-specific handle (an NFS node with its file handle) to avoid a second lookup. */
  ref?: unknown;
  /** The listing could not give this entry's attributes (NFS rdattr_error): reported, never appraised. */
  error?: { code: string; status?: string; message: string };
}

export interface AuditSource {
  /** False for a legacy NFS server without FATTR4_IMA: no file can carry metadata. */
  readonly imaSupported: boolean;
  /** Stat of the root; throws when the source cannot be reached. */
  root(): Promise<AuditEntry>;
  /** Children of a directory entry. */
  list(dir: AuditEntry): Promise<AuditEntry[]>;
  /** The security.ima value; empty Buffer when the file has none (a Buffer at once when the source has it at hand). */
  readIma(file: AuditEntry): Buffer | Promise<Buffer>;
  /** The file's content as it is now, in order, streamed. */
  read(file: AuditEntry): AsyncIterable<Buffer>;
  /**
   * Optional fast path: the whole content of a small file as one Buffer, or
   * null when the file is too large for that (the caller then streams it with
   * read()). Same bytes and same errors as read().
   */
  readWhole?(file: AuditEntry): Buffer | null | Promise<Buffer | null>;
  close(): Promise<void>;
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/**
 * The audited root could not be reached (connection refused, export or
 * directory missing): nothing was checked. bin/exit-codes.ts maps the code to
 * exit 3; the cause keeps the underlying client or filesystem error.
 */
export class SourceUnreachableError extends Error {
  readonly code = 'IMAFS_SOURCE_UNREACHABLE';
  constructor(source: string, cause: unknown) {
    super(`cannot reach ${source}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'SourceUnreachableError';
  }
}
