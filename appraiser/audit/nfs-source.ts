/**
 * An NFS export as an audit source, through the client's public API only.
 * The IMA value is fetched with its own GETATTR for every file and never
 * cached (draft §4.4); `imaSupported` comes from the server's supported_attrs
 * (draft §4.2), so against a legacy server no file is even asked for it.
 */
import { NfsClient } from '../../client/nfs-client.js';
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

  async root(): Promise<AuditEntry> {
    const st = await this.client.stat(clientPath(''));
    return { path: '', type: entryType(st.type), size: st.size, mode: st.mode };
  }

  async list(dir: AuditEntry): Promise<AuditEntry[]> {
    const entries = await this.client.readdir(clientPath(dir.path));
    return entries.map((e) => ({
      path: joinPath(dir.path, e.name),
      type: entryType(e.type),
      size: e.size,
      mode: e.stat?.mode ?? 0,
    }));
  }

  async readIma(file: AuditEntry): Promise<Buffer> {
    // null only from a legacy server; the engine checks imaSupported first.
    return (await this.client.getIma(clientPath(file.path))) ?? Buffer.alloc(0);
  }

  read(file: AuditEntry): AsyncIterable<Buffer> {
    return this.client.read(clientPath(file.path));
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
