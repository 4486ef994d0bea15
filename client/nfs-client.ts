import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { Readable } from 'node:stream';
import { debuglog } from 'node:util';
import { resolveOptions, type NfsClientOptions, type ResolvedOptions } from './client-options.js';
import { NfsError, UsageError } from './errors.js';
import { ANONYMOUS_STATEID, FATTR4, IMA_DATA_MAX } from './nfs4/constants.js';
import { decodeFattr, encodeFattr } from './nfs4/fattr.js';
import { accessOp } from './nfs4/ops/access.js';
import { getattrOp } from './nfs4/ops/getattr.js';
import { nverifyOp } from './nfs4/ops/nverify.js';
import { putfhOp } from './nfs4/ops/putfh.js';
import { setattrOp } from './nfs4/ops/setattr.js';
import { verifyOp } from './nfs4/ops/verify.js';
import { NFS4ERR, NFS4_OK, statusName } from './nfs4/status.js';
import { statFromFattr, statFromRaw, STAT_ATTRS, type NfsStat } from './nfs-stat.js';
import { PathWalker } from './path-walker.js';
import { pipelinedRead } from './read-stream.js';
import { readAllEntries, readWalkEntries, type DirEntry, type WalkEntry } from './readdir.js';
import { planSmallBatches, readSmallBatch, smallBatchMaxFiles } from './small-read.js';
import { credentialFor } from './rpc/auth.js';
import { RpcClient } from './rpc/rpc-client.js';
import { op, resultOf, type OpCall } from './session/compound-call.js';
import { WANT_MAX_RESPONSE } from './session/establish.js';
import { NfsSession } from './session/nfs-session.js';
import { formatLocation, joinPath, parseNfsUrl, type NfsLocation } from './url.js';

const debug = debuglog('imafs:client');
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export type { NfsClientOptions } from './client-options.js';
export type { NfsStat } from './nfs-stat.js';
export type { DirEntry, WalkEntry } from './readdir.js';

/** An object's file handle and its absolute server path (for messages). */
export interface NfsHandle {
  fh: Buffer;
  path: string;
}

/** A looked-up object: its file handle, absolute server path and attributes. */
export interface NfsNode extends NfsHandle {
  stat: NfsStat;
}

/** A path relative to the URL's path, or an object already looked up (only its handle and path are used). */
export type PathOrNode = string | NfsHandle;

export interface ReadOptions {
  start?: number;
  /** Inclusive end offset, like fs.createReadStream. */
  end?: number;
}

/** Space for COMPOUND, SEQUENCE, PUTFH and READ headers in a READ reply. */
const READ_REPLY_OVERHEAD = 1024;
/** node() asks for no attributes: one array, so the walker's mask memo (keyed by the array) hits. */
const NO_ATTRS: readonly number[] = [];

/**
 * The imafs NFSv4.1/4.2 client (CONTRIBUTING "Client API"). Paths are
 * relative to the URL's path. Every call goes through one NfsSession
 * (`session.compound(ops)`); this class only chooses operations and shapes
 * results. IMA metadata is never cached (draft §4.4): every getIma asks.
 */
export class NfsClient {
  readonly location: NfsLocation;
  private readonly o: ResolvedOptions;
  private readonly rpc: RpcClient;
  private readonly session: NfsSession;
  private readonly walker: PathWalker;
  private supported = new Set<number>();
  private statAttrsMemo: number[] | undefined;
  private maxRead = 1024 * 1024;
  private streams = 0;
  private readonly ownerTag = randomBytes(6).toString('hex');
  /** Whether the server lists FATTR4_IMA in supported_attrs (draft §4.2). */
  imaSupported = false;
  /** Counters for diagnostics and tests. */
  readonly stats = { readdirRounds: 0, smallReads: 0, smallFallbacks: 0 };

  private constructor(loc: NfsLocation, o: ResolvedOptions) {
    this.location = loc;
    this.o = o;
    this.rpc = new RpcClient({
      host: loc.host, port: loc.port, cred: credentialFor(o.auth), timeoutMs: o.timeoutMs,
      connectTimeoutMs: o.connectTimeoutMs, maxRecordSize: WANT_MAX_RESPONSE + 64 * 1024,
    });
    this.session = new NfsSession({
      rpc: this.rpc, minorVersion: o.minorVersion, timeoutMs: o.timeoutMs, retryBudgetMs: o.retryBudgetMs,
      integrityStatus: o.integrityStatus,
      identity: {
        verifier: randomBytes(8),
        ownerId: Buffer.from(`imafs/${os.hostname()}/${process.pid}/${randomBytes(8).toString('hex')}`),
        implName: `imafs ${version}`,
      },
    });
    this.walker = new PathWalker(this.session, o.attrs, loc.path);
  }

  /** Connects, sets up the session and reads the share root's supported_attrs and lease. */
  static async connect(target: string | (NfsClientOptions & { url: string }), opts: NfsClientOptions = {}): Promise<NfsClient> {
    const url = typeof target === 'string' ? target : target.url;
    const all = typeof target === 'string' ? opts : { ...target, ...opts };
    const loc = parseNfsUrl(url);
    const c = new NfsClient(loc, resolveOptions(all, loc));
    try {
      await c.session.open();
      const root = await c.walker.walk(loc.path, {
        follow: true, attrs: [FATTR4.SUPPORTED_ATTRS, FATTR4.LEASE_TIME, FATTR4.MAXREAD],
      });
      c.supported = new Set(root.fattr.supportedAttrs ?? []);
      c.imaSupported = c.supported.has(c.o.attrs.imaAttr);
      if (root.fattr.maxRead !== undefined && root.fattr.maxRead > 0n) c.maxRead = Number(root.fattr.maxRead > 0x7fffffffn ? 0x7fffffffn : root.fattr.maxRead);
      c.session.setLease(root.fattr.leaseTime ?? 90);
      debug('connected to %s: NFSv4.%d, IMA %s, maxread %d', formatLocation(loc), c.minorVersion, c.imaSupported ? 'supported' : 'not supported', c.maxRead);
      return c;
    } catch (e) {
      await c.close().catch(() => {});
      throw e;
    }
  }

  get minorVersion(): 1 | 2 {
    return this.session.minorVersion;
  }

  /** Session facts for diagnostics and tests (`imafs stat --debug`, recovery tests). */
  get diagnostics(): { clientId: bigint | undefined; sessionGen: number; stateEpoch: number; connections: number; slots: number; maxResponseSize: number; readSize: number } {
    return {
      clientId: this.session.clientId,
      sessionGen: this.session.sessionGen,
      stateEpoch: this.session.stateEpoch,
      connections: this.rpc.generation,
      slots: this.session.slotCount,
      maxResponseSize: this.session.maxResponseSize,
      readSize: this.chunkSize(),
    };
  }

  /** The FATTR4_IMA attribute number in use. */
  get imaAttr(): number {
    return this.o.attrs.imaAttr;
  }

  private abs(p: string): string {
    return joinPath(this.location.path, p);
  }

  private want(attrs: readonly number[]): number[] {
    return attrs.filter((a) => this.supported.size === 0 || this.supported.has(a));
  }

  private async node(p: PathOrNode, follow = true): Promise<{ fh: Buffer; path: string }> {
    if (typeof p !== 'string') return p;
    const w = await this.walker.walk(this.abs(p), { follow, attrs: NO_ATTRS });
    return { fh: w.fh, path: w.path };
  }

  /** Walks the path (LOOKUP chain in one COMPOUND) without following a final symlink. */
  async lookup(path: string): Promise<NfsNode> {
    const w = await this.walker.walk(this.abs(path), { follow: false, attrs: this.statAttrs() });
    return { fh: w.fh, path: w.path, stat: statFromFattr(w.fattr) };
  }

  /**
   * Attributes of the object at `path` (a final symlink is not followed, like
   * lstat). Always asked of the server: nothing is cached. The path is walked
   * at every call, so a file renamed over the path is seen at once.
   */
  async stat(p: PathOrNode): Promise<NfsStat> {
    if (typeof p !== 'string') return await this.getattr(p, STAT_ATTRS).then(statFromFattr);
    const w = await this.walker.walkAttrs(this.abs(p), this.statAttrs());
    return statFromRaw(w.raw, this.o.attrs);
  }

  /** STAT_ATTRS minus what the server lacks, one array for every call (the walker memoizes its mask by it). */
  private statAttrs(): number[] {
    return (this.statAttrsMemo ??= this.want(STAT_ATTRS));
  }

  private async getattr(n: { fh: Buffer; path: string }, attrs: readonly number[]) {
    const ops = [op(putfhOp, { object: n.fh }), op(getattrOp, { attrRequest: this.want(attrs) })];
    const res = await this.session.compound(ops, n.path);
    return decodeFattr(resultOf(res, 1, getattrOp).resok!.objAttributes, this.o.attrs);
  }

  /**
   * Every entry of a directory (several READDIR rounds when needed). With
   * `ima` (and a server that supports it) each entry also carries FATTR4_IMA
   * from this listing, for an appraisal done right away; never cache it
   * (draft §4.4).
   */
  async readdir(p: PathOrNode, o: { ima?: boolean } = {}): Promise<DirEntry[]> {
    const n = await this.node(p);
    const extra = o.ima && this.imaSupported ? [this.o.attrs.imaAttr] : [];
    return await readAllEntries(this.session, this.o.attrs, n.fh, n.path, this.supported, () => { this.stats.readdirRounds++; }, extra);
  }

  /**
   * The entries of a directory with only type, size, mode and file handle
   * (and FATTR4_IMA with `ima` on a server that supports it): what a tree
   * walk needs, at a fraction of readdir()'s cost per entry. The IMA values
   * are for an appraisal done right away, never to be cached (draft §4.4).
   */
  async walkEntries(p: PathOrNode, o: { ima?: boolean } = {}): Promise<WalkEntry[]> {
    const n = await this.node(p);
    return await readWalkEntries(this.session, this.o.attrs, n.fh, n.path, this.supported, o.ima === true && this.imaSupported, () => { this.stats.readdirRounds++; });
  }

  /** Largest file readSmall() fetches with one READ (size + 1 must fit one READ). */
  get smallReadLimit(): number {
    return this.chunkSize() - 1;
  }

  /**
   * Whole small files in few round trips: one COMPOUND per batch of files
   * (PUTFH, READ with the anonymous stateid per file), no OPEN or CLOSE.
   * A file the server refuses under the anonymous stateid, one larger than
   * one READ, or one whose size changed since `size` was learned is read the
   * ordinary way (OPEN/READ/CLOSE) instead, so every slot gets the bytes.
   * A Buffer may be a view into the reply it came in, shared with its batch
   * mates (no copy per file): copy one that is kept long after the others.
   */
  async readSmall(files: readonly { fh: Buffer; size: number; path?: string }[]): Promise<Buffer[]> {
    const got = await readSmallBatch(this.session, files, this.chunkSize());
    let fallbacks: Promise<void>[] | undefined;
    for (let i = 0; i < got.length; i++) {
      const b = got[i];
      // A view into a small reply is the caller's to keep; pooled memory may be recycled, so that is copied.
      if (b) {
        this.stats.smallReads++;
        if (this.rpc.isPooled(b)) got[i] = Buffer.from(b);
        continue;
      }
      this.stats.smallFallbacks++;
      (fallbacks ??= []).push((async () => {
        const parts: Buffer[] = [];
        const f = files[i];
        for await (const c of this.read({ fh: f.fh, path: f.path ?? '<fh>' })) parts.push(Buffer.from(c));
        got[i] = Buffer.concat(parts);
      })());
    }
    if (fallbacks) await Promise.all(fallbacks);
    return got as Buffer[];
  }

  /**
   * How readSmall() would split these files into COMPOUNDs (indexes into
   * `files`, in order; files too large for one READ are in none), so a caller
   * that gathers requests can send full batches and hold back a partial one.
   */
  smallReadBatches(files: readonly { fh: Buffer; size: number }[]): number[][] {
    return planSmallBatches(this.session, files, this.chunkSize());
  }

  /** Most files one readSmall() COMPOUND can carry (by ca_maxoperations; size limits may allow fewer). */
  get smallBatchMaxFiles(): number {
    return smallBatchMaxFiles(this.session);
  }

  /** The target of a symlink, as text. */
  async readlink(path: PathOrNode): Promise<string> {
    const n = await this.node(path, false);
    return await this.walker.readlinkFh(n.fh, n.path);
  }

  /** ACCESS (RFC 8881 §18.1): which of `mask`'s ACCESS4_* bits the server checked and which it grants. */
  async access(p: PathOrNode, mask: number): Promise<{ supported: number; access: number }> {
    const n = await this.node(p);
    const res = await this.session.compound([op(putfhOp, { object: n.fh }), op(accessOp, { access: mask })], n.path);
    const ok = resultOf(res, 1, accessOp).resok!;
    return { supported: ok.supported, access: ok.access };
  }

  /** The file's bytes as an async iterable of Buffers, read with pipelined READs. */
  read(p: PathOrNode, o: ReadOptions = {}): AsyncIterable<Buffer> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        const n = await self.node(p);
        yield* pipelinedRead({
          session: self.session,
          attrs: self.o.attrs,
          fh: n.fh,
          path: n.path,
          chunkSize: self.chunkSize(),
          depth: Math.max(1, Math.min(self.o.readAhead, self.session.slotCount - 1)),
          owner: Buffer.from(`imafs-open-${self.ownerTag}-${++self.streams}`),
          start: o.start ?? 0,
          end: o.end,
        });
      },
    };
  }

  /**
   * Hands a chunk from read() back for reuse by later READ replies (no
   * allocation, no page faults). Optional: only for callers that will not
   * touch the chunk (or any slice of it) again, e.g. after stdout took it.
   */
  recycle(chunk: Buffer): void {
    this.rpc.recycle(chunk);
  }

  /** A Readable over read(): backpressure comes from pulling the iterator. */
  createReadStream(p: PathOrNode, o: ReadOptions = {}): Readable {
    return Readable.from(this.read(p, o), { objectMode: false, highWaterMark: this.chunkSize() });
  }

  private chunkSize(): number {
    const sessionCap = this.session.maxResponseSize > 0 ? this.session.maxResponseSize - READ_REPLY_OVERHEAD : this.o.readSize;
    return Math.max(4096, Math.min(this.o.readSize, this.maxRead, sessionCap));
  }

  /** FATTR4_IMA of the object: null when the server lacks the attribute, an empty Buffer when the file has none. */
  async getIma(p: PathOrNode): Promise<Buffer | null> {
    if (!this.imaSupported) return null;
    const n = await this.node(p);
    const f = await this.getattr(n, [this.o.attrs.imaAttr]);
    return f.ima ? Buffer.from(f.ima) : Buffer.alloc(0);
  }

  private requireIma(opName: string, path: string): void {
    if (!this.imaSupported) {
      throw new NfsError(NFS4ERR.ATTRNOTSUPP, 'NFS4ERR_ATTRNOTSUPP', opName, path, {
        cause: new UsageError(`server does not support FATTR4_IMA (attribute ${this.o.attrs.imaAttr})`),
      });
    }
  }

  private imaFattr(blob: Buffer) {
    if (blob.length > IMA_DATA_MAX) throw new UsageError(`IMA blob of ${blob.length} bytes exceeds ima_data4<${IMA_DATA_MAX}>`);
    return encodeFattr({ ima: blob }, this.o.attrs);
  }

  /** SETATTR FATTR4_IMA (draft §4.3); a zero-length blob removes the metadata. */
  async setIma(p: PathOrNode, blob: Buffer): Promise<void> {
    const n = await this.node(p);
    this.requireIma('SETATTR', n.path);
    const attrs = this.imaFattr(blob);
    await this.session.compound([op(putfhOp, { object: n.fh }), op(setattrOp, { stateid: ANONYMOUS_STATEID, objAttributes: attrs })], n.path);
  }

  async removeIma(p: PathOrNode): Promise<void> {
    await this.setIma(p, Buffer.alloc(0));
  }

  /** VERIFY (RFC 8881 §18.31): true when the file's FATTR4_IMA equals `blob` (NFS4ERR_NOT_SAME: false). */
  async verifyIma(p: PathOrNode, blob: Buffer): Promise<boolean> {
    return await this.compare(p, blob, verifyOp, NFS4ERR.NOT_SAME);
  }

  /** NVERIFY (RFC 8881 §18.15): true when the file's FATTR4_IMA differs from `blob` (NFS4ERR_SAME: false). */
  async nverifyIma(p: PathOrNode, blob: Buffer): Promise<boolean> {
    return await this.compare(p, blob, nverifyOp, NFS4ERR.SAME);
  }

  private async compare(p: PathOrNode, blob: Buffer, codec: typeof verifyOp, negative: number): Promise<boolean> {
    const n = await this.node(p);
    this.requireIma(codec.name, n.path);
    const ops: OpCall[] = [op(putfhOp, { object: n.fh }), op(codec, { objAttributes: this.imaFattr(blob) })];
    const res = await this.session.compoundRaw(ops);
    if (res.status === NFS4_OK) return true;
    if (res.status === negative && res.results.length === 2) return false;
    throw this.session.errorFor(res, ops, n.path);
  }

  /** Ends the session (DESTROY_SESSION, DESTROY_CLIENTID) and the connection. */
  async close(): Promise<void> {
    await this.session.close();
    await this.rpc.close();
  }

  /** The name of a status under this client's NFS4ERR_INTEGRITY number. */
  statusName(status: number): string {
    return statusName(status, this.o.integrityStatus);
  }
}
