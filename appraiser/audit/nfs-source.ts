/**
 * An NFS export as an audit source, through the client's public API only.
 * Each READDIR also asks for FATTR4_IMA, so a file's value comes from the
 * listing that found it and is used once, for the appraisal that follows
 * right away; it is never cached beyond that (draft §4.4). Files without a
 * value from the listing get their own GETATTR. `imaSupported` comes from
 * the server's supported_attrs (draft §4.2), so against a legacy server no
 * file is even asked for it. Small files are fetched whole, several per
 * COMPOUND (client readSmall), requests from parallel workers coalesced
 * within one event-loop turn.
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

/** An NfsNode plus, for one use, the FATTR4_IMA value the listing carried. */
interface ListedNode extends NfsNode {
  ima?: Buffer;
}

interface Pending {
  fh: Buffer;
  size: number;
  path: string;
  resolve: (b: Buffer) => void;
  reject: (e: unknown) => void;
}

export class NfsSource implements AuditSource {
  private queue: Pending[] = [];
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
    const entries = await this.client.readdir(this.target(dir), { ima: this.client.imaSupported });
    const parent = (dir.ref as NfsNode | undefined)?.path ?? `${this.client.location.path.replace(/\/$/, '')}/${dir.path}`;
    return entries.map((e) => {
      const path = joinPath(dir.path, e.name);
      const entry: AuditEntry = { path, type: entryType(e.type), size: e.size, mode: e.stat?.mode ?? 0 };
      // The handle from READDIR saves a LOOKUP walk per file for GETATTR and READ.
      if (e.fh && e.stat) entry.ref = { fh: e.fh, path: `${parent.replace(/\/$/, '')}/${e.name}`, stat: e.stat, ...(e.ima ? { ima: e.ima } : {}) } satisfies ListedNode;
      if (e.error) entry.error = { code: 'IMAFS_NFS_STATUS', status: e.error, message: `READDIR ${this.client.location.path.replace(/\/$/, '')}/${path}: cannot read attributes: ${e.error}` };
      return entry;
    });
  }

  private target(e: AuditEntry): string | NfsNode {
    return (e.ref as NfsNode | undefined) ?? clientPath(e.path);
  }

  async readIma(file: AuditEntry): Promise<Buffer> {
    const ref = file.ref as ListedNode | undefined;
    if (ref?.ima) {
      // Used once: a second appraisal of this entry asks the server again.
      const v = ref.ima;
      delete ref.ima;
      return v;
    }
    // null only from a legacy server; the engine checks imaSupported first.
    return (await this.client.getIma(this.target(file))) ?? Buffer.alloc(0);
  }

  read(file: AuditEntry): AsyncIterable<Buffer> {
    const ref = file.ref as NfsNode | undefined;
    if (!ref || file.type !== 'file' || ref.stat.type !== 'file' || ref.stat.size > this.client.smallReadLimit) return this.client.read(this.target(file));
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        yield await self.readSmall(ref);
      },
    };
  }

  private readSmall(ref: NfsNode): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ fh: ref.fh, size: ref.stat.size, path: ref.path, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.client.readSmall(batch).then(
      (bufs) => batch.forEach((p, i) => p.resolve(bufs[i])),
      // One file's error must not fail its batch mates: each is asked again alone.
      () => batch.forEach((p) => this.client.readSmall([p]).then((b) => p.resolve(b[0]), p.reject)),
    );
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
