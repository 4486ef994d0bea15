/**
 * An NFS export as an audit source, through the client's public API only.
 * The IMA value is fetched with its own GETATTR for every file and never
 * cached (draft §4.4); `imaSupported` comes from the server's supported_attrs
 * (draft §4.2), so against a legacy server no file is even asked for it.
 */
import { NfsClient, type NfsNode } from '../../client/nfs-client.js';
import type { NfsClientOptions } from '../../client/client-options.js';
import { SourceUnreachableError, type AuditEntry, type AuditSource, type EntryType, joinPath } from './audit-source.js';

function entryType(t: string): EntryType {
  return t === 'file' || t === 'directory' || t === 'symlink' ? t : 'other';
}

/** Client paths are relative to the URL's path; '' is the URL's own path. */
function clientPath(p: string): string {
  return p === '' ? '/' : `/${p}`;
}

export class NfsSource implements AuditSource {
  constructor(private readonly client: NfsClient) {}

  get imaSupported(): boolean {
    return this.client.imaSupported;
  }

  /**
   * The root is followed if it is a symlink (stat does not follow; READDIR
   * and READ do): the user named it, and skipping it would pass an audit of
   * nothing.
   */
  async root(): Promise<AuditEntry> {
    const st = await this.client.stat(clientPath(''));
    if (st.type !== 'symlink') return { path: '', type: entryType(st.type), size: st.size, mode: st.mode };
    try {
      await this.client.readdir(clientPath(''));
      return { path: '', type: 'directory', size: st.size, mode: st.mode };
    } catch (err) {
      if ((err as { statusName?: string }).statusName !== 'NFS4ERR_NOTDIR') throw err;
      // A link to a file: appraised as the file it names; exec bits unknown, so read rules apply.
      return { path: '', type: 'file', size: 0, mode: 0 };
    }
  }

  async list(dir: AuditEntry): Promise<AuditEntry[]> {
    const entries = await this.client.readdir(this.target(dir));
    const parent = (dir.ref as NfsNode | undefined)?.path ?? `${this.client.location.path.replace(/\/$/, '')}/${dir.path}`;
    return entries.map((e) => {
      const path = joinPath(dir.path, e.name);
      const entry: AuditEntry = { path, type: entryType(e.type), size: e.size, mode: e.stat?.mode ?? 0 };
      // The handle from READDIR saves a LOOKUP walk per file for GETATTR and READ.
      if (e.fh && e.stat) entry.ref = { fh: e.fh, path: `${parent.replace(/\/$/, '')}/${e.name}`, stat: e.stat } satisfies NfsNode;
      if (e.error) entry.error = { code: 'IMAFS_NFS_STATUS', status: e.error, message: `READDIR ${this.client.location.path.replace(/\/$/, '')}/${path}: cannot read attributes: ${e.error}` };
      return entry;
    });
  }

  private target(e: AuditEntry): string | NfsNode {
    return (e.ref as NfsNode | undefined) ?? clientPath(e.path);
  }

  async readIma(file: AuditEntry): Promise<Buffer> {
    // null only from a legacy server; the engine checks imaSupported first.
    return (await this.client.getIma(this.target(file))) ?? Buffer.alloc(0);
  }

  read(file: AuditEntry): AsyncIterable<Buffer> {
    return this.client.read(this.target(file));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function openNfsSource(url: string, opts: NfsClientOptions): Promise<NfsSource> {
  try {
    return new NfsSource(await NfsClient.connect(url, opts));
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'IMAFS_USAGE') throw err;
    throw new SourceUnreachableError(url, err);
  }
}
