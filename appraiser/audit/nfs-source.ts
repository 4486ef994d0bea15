/**
 * An NFS export as an audit source, through the client's public API only.
 * Directories are listed with walkEntries (type, size, mode and handle only:
 * the rest of stat costs both ends per entry and an audit never looks at it).
 * Each READDIR also asks for FATTR4_IMA, so a file's value comes from the
 * listing that found it and is used once, for the appraisal that follows
 * right away; it is never cached beyond that (draft §4.4). Files without a
 * value from the listing get their own GETATTR. `imaSupported` comes from
 * the server's supported_attrs (draft §4.2), so against a legacy server no
 * file is even asked for it. Small files are fetched whole, several per
 * COMPOUND (client readSmall): the signed small files of a listing are read
 * ahead in the order the engine appraises them (read-ahead.ts); any other
 * request from parallel workers is coalesced within one event-loop turn into
 * full COMPOUNDs (see flush()).
 */
import { NfsClient, type NfsHandle } from '../../client/nfs-client.js';
import type { NfsClientOptions } from '../../client/client-options.js';
import { SourceUnreachableError, type AuditEntry, type AuditSource, type EntryType, joinPath } from './audit-source.js';
import { ReadAhead, type AheadSlot } from './read-ahead.js';

function entryType(t: string): EntryType {
  return t === 'file' || t === 'directory' || t === 'symlink' ? t : 'other';
}

/** Client paths are relative to the URL's path; '' is the URL's own path. */
function clientPath(p: string): string {
  return p === '' ? '/' : `/${p}`;
}

/** A listed object: its handle, what the listing said of it, and, for one use, the FATTR4_IMA value it carried. */
interface ListedNode extends NfsHandle {
  type: string;
  size: number;
  ima?: Buffer;
  /** Its content, read ahead (one use). */
  ahead?: AheadSlot;
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
  /** Small-read COMPOUNDs sent and not yet answered. */
  private inFlight = 0;
  private flushScheduled = false;
  private readonly ahead: ReadAhead;
  constructor(private readonly client: NfsClient) {
    this.ahead = new ReadAhead(client);
  }

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
    const ima = this.client.imaSupported;
    const entries = await this.client.walkEntries(this.target(dir), { ima });
    const parent = ((dir.ref as ListedNode | undefined)?.path ?? `${this.client.location.path.replace(/\/$/, '')}/${dir.path}`).replace(/\/$/, '');
    // The engine appraises a directory's files in name order: read ahead in that order.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const limit = this.client.smallReadLimit;
    const out = new Array<AuditEntry>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const path = joinPath(dir.path, e.name);
      const entry: AuditEntry = { path, type: entryType(e.type), size: e.size, mode: e.mode };
      // The handle from READDIR saves a LOOKUP walk per file for GETATTR and READ.
      if (e.fh && !e.error) {
        const ref: ListedNode = { fh: e.fh, path: `${parent}/${e.name}`, type: e.type, size: e.size, ima: e.ima, ahead: undefined };
        // Only files with metadata are read by an appraisal: read those ahead.
        if (ima && e.type === 'file' && e.size <= limit && e.ima !== undefined && e.ima.length > 0) ref.ahead = this.ahead.add(e.fh, e.size, ref.path);
        entry.ref = ref;
      }
      if (e.error) entry.error = { code: 'IMAFS_NFS_STATUS', status: e.error, message: `READDIR ${this.client.location.path.replace(/\/$/, '')}/${path}: cannot read attributes: ${e.error}` };
      out[i] = entry;
    }
    this.ahead.pump();
    return out;
  }

  private target(e: AuditEntry): string | NfsHandle {
    return (e.ref as ListedNode | undefined) ?? clientPath(e.path);
  }

  readIma(file: AuditEntry): Buffer | Promise<Buffer> {
    const ref = file.ref as ListedNode | undefined;
    if (ref?.ima) {
      // Used once: a second appraisal of this entry asks the server again.
      // (Cleared, not deleted: delete would turn every listed node into a slow dictionary object.)
      const v = ref.ima;
      ref.ima = undefined;
      if (ref.ahead) this.ahead.seen(ref.ahead);
      return v;
    }
    // null only from a legacy server; the engine checks imaSupported first.
    return this.client.getIma(this.target(file)).then((b) => b ?? Buffer.alloc(0));
  }

  read(file: AuditEntry): AsyncIterable<Buffer> {
    const whole = this.readWhole(file);
    if (!whole) return this.client.read(this.target(file));
    return {
      async *[Symbol.asyncIterator]() {
        yield await whole;
      },
    };
  }

  /** A listed small file, fetched whole in a batch with others; null for anything else (stream it). */
  readWhole(file: AuditEntry): Buffer | Promise<Buffer> | null {
    const ref = file.ref as ListedNode | undefined;
    if (!ref || file.type !== 'file' || ref.type !== 'file' || ref.size > this.client.smallReadLimit) return null;
    const ahead = ref.ahead;
    if (ahead) {
      // Read ahead for this one appraisal; a second one reads again.
      ref.ahead = undefined;
      return this.ahead.take(ahead);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ fh: ref.fh, size: ref.size, path: ref.path, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Requests made in one event-loop turn (by parallel workers) go out together. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Sends the queued requests in full COMPOUNDs. A partial last batch waits
   * while other batches are in flight (like Nagle's algorithm): their
   * replies free workers whose next requests fill it, so each round trip
   * carries as many files as the session allows. With nothing in flight it
   * goes at once, so the audit always progresses.
   */
  private flush(): void {
    if (this.queue.length === 0) return;
    const batches = this.client.smallReadBatches(this.queue);
    const last = batches[batches.length - 1];
    const hold = this.inFlight > 0 && last !== undefined && last.length < this.client.smallBatchMaxFiles ? last.length : 0;
    const queued = this.queue;
    this.queue = hold > 0 ? last.map((i) => queued[i]) : [];
    let covered = 0;
    for (const b of batches) covered += b.length;
    for (const b of hold > 0 ? batches.slice(0, -1) : batches) this.send(b.map((i) => queued[i]));
    // A file the plan left out (it no longer fits one READ) still gets its answer: readSmall reads it the long way.
    if (covered < queued.length) {
      const inBatch = new Set(batches.flat());
      this.send(queued.filter((_, i) => !inBatch.has(i)));
    }
  }

  private send(batch: Pending[]): void {
    this.inFlight++;
    const done = (): void => {
      this.inFlight--;
      this.scheduleFlush();
    };
    this.client.readSmall(batch).then(
      (bufs) => {
        done();
        batch.forEach((p, i) => p.resolve(bufs[i]));
      },
      // One file's error must not fail its batch mates: each is asked again alone.
      () => {
        done();
        batch.forEach((p) => this.client.readSmall([p]).then((b) => p.resolve(b[0]), p.reject));
      },
    );
  }

  async close(): Promise<void> {
    this.ahead.close();
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
