import { createReadStream } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type AuditEntry, type AuditSource, type EntryType, joinPath } from './audit-source.js';

/** Reads a file's security.ima; null when absent. Injected: the appraiser's xattr helper. */
export type XattrReader = (absPath: string) => Promise<Buffer | null>;

function typeOf(st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * A local directory as an audit source. Symlinks are reported, never followed
 * (like the NFS walk, which sees them as symlinks too), so a link cannot make
 * the audit leave the tree or visit a file twice.
 */
export class LocalSource implements AuditSource {
  readonly imaSupported = true;
  private readonly base: string;

  constructor(dir: string, private readonly readXattr: XattrReader) {
    this.base = resolve(dir);
  }

  private abs(e: AuditEntry): string {
    return e.path === '' ? this.base : join(this.base, e.path);
  }

  async root(): Promise<AuditEntry> {
    const st = await lstat(this.base);
    return { path: '', type: typeOf(st), size: st.size, mode: st.mode };
  }

  async list(dir: AuditEntry): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    const d = await opendir(this.abs(dir));
    for await (const ent of d) {
      const path = joinPath(dir.path, ent.name);
      const st = await lstat(join(this.base, path));
      out.push({ path, type: typeOf(st), size: st.size, mode: st.mode });
    }
    return out;
  }

  async readIma(file: AuditEntry): Promise<Buffer> {
    return (await this.readXattr(this.abs(file))) ?? Buffer.alloc(0);
  }

  read(file: AuditEntry): AsyncIterable<Buffer> {
    return createReadStream(this.abs(file), { highWaterMark: 256 * 1024 });
  }

  async close(): Promise<void> {
    // Nothing held open between calls.
  }
}
