import { randomInt } from 'node:crypto';
import { debuglog } from 'node:util';
import { ImafsClientError, RpcError, type RpcErrorCode } from '../errors.js';
import { XdrReader } from '../xdr/xdr-reader.js';
import { XdrWriter } from '../xdr/xdr-writer.js';
import { AUTH_NONE, AUTH_NONE_TOKEN } from './auth.js';
import { decodeReply, encodeCall, MSG_ACCEPTED, MSG_REPLY, replyError, SUCCESS, type OpaqueAuth } from './rpc-message.js';
import { BufferPool } from './buffer-pool.js';
import { LAST_FRAGMENT } from './record-marking.js';
import { Transport } from './transport.js';

const debug = debuglog('imafs:rpc');

export interface RpcClientOptions {
  host: string;
  port: number;
  /** Credential sent with every call (AUTH_SYS or AUTH_NONE). */
  cred: OpaqueAuth;
  connectTimeoutMs?: number;
  /** Default per-call timeout. */
  timeoutMs?: number;
  /** Bound on one reply record. */
  maxRecordSize?: number;
}

export interface CallOptions {
  timeoutMs?: number;
}

/** Arguments up to this size are copied behind the header into one buffer. */
const SINGLE_BUFFER_ARGS = 16 * 1024;

interface CallTemplate {
  prog: number;
  vers: number;
  proc: number;
  /** Record mark (placeholder), then the call header with xid 0. */
  head: Buffer;
  what: string;
}

interface Pending {
  resolve: (r: XdrReader) => void;
  reject: (e: Error) => void;
  /** Date.now() after which the call times out; 0: never. */
  deadline: number;
  timeoutMs: number;
  what: string;
}

/**
 * ONC RPC client over one TCP connection (RFC 5531): allocates XIDs, keeps
 * many calls in flight and matches replies to them by XID, applies a per-call
 * timeout, and fails every in-flight call with IMAFS_RPC_CONN_CLOSED when the
 * connection is lost. The next call reconnects.
 */
export class RpcClient {
  private readonly transport: Transport;
  private readonly pending = new Map<number, Pending>();
  private readonly cred: OpaqueAuth;
  private readonly timeoutMs: number;
  private nextXid = randomInt(0, 0x7fffffff);
  private closed = false;
  private sweeper: NodeJS.Timeout | undefined;
  private sweepAt = Infinity;
  /** The last call header used (NFS sends one program/version/procedure nearly always). */
  private template: CallTemplate | undefined;
  /** Large reply records; see recycle(). */
  private readonly pool: BufferPool;

  constructor(o: RpcClientOptions) {
    this.cred = o.cred;
    this.timeoutMs = o.timeoutMs ?? 30_000;
    const maxRecordSize = o.maxRecordSize ?? 8 * 1024 * 1024;
    // Pooled buffers are sized for the largest record we accept, so any large reply fits.
    this.pool = new BufferPool(256 * 1024, maxRecordSize);
    this.transport = new Transport({
      host: o.host,
      port: o.port,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      maxRecordSize,
      onRecord: (rec) => this.onRecord(rec),
      onDisconnect: (err) => this.failAll(err),
      pool: this.pool,
    });
  }

  /** Number of connections made so far (a change means we reconnected). */
  get generation(): number {
    return this.transport.generation;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  connect(): Promise<void> {
    return this.transport.connect();
  }

  private allocXid(): number {
    // Skip XIDs still in flight after a wrap-around.
    do this.nextXid = (this.nextXid + 1) >>> 0; while (this.pending.has(this.nextXid));
    return this.nextXid;
  }

  /**
   * Sends one call; resolves with a reader positioned at the procedure's
   * results. `args` are the already-encoded procedure arguments (chunks are
   * written as they are, so a large opaque is never copied). Not async: on a
   * connected transport a call costs no extra promise or microtask.
   */
  call(prog: number, vers: number, proc: number, args: readonly Buffer[], opts: CallOptions = {}): Promise<XdrReader> {
    if (this.closed) return Promise.reject(new RpcError('IMAFS_RPC_CLOSED', 'RPC client is closed'));
    if (!this.transport.connected) return this.transport.connect().then(() => this.send(prog, vers, proc, args, opts));
    return this.send(prog, vers, proc, args, opts);
  }

  /** The call header of (prog, vers, proc) behind a record mark: only the mark and the xid differ per call. */
  private templateFor(prog: number, vers: number, proc: number): CallTemplate {
    const t = this.template;
    if (t !== undefined && t.prog === prog && t.vers === vers && t.proc === proc) return t;
    const w = new XdrWriter(128);
    w.uint32(0); // record mark, filled in per call
    encodeCall(w, { xid: 0, prog, vers, proc, cred: this.cred, verf: AUTH_NONE_TOKEN });
    this.template = { prog, vers, proc, head: w.finish(), what: `RPC call prog ${prog} v${vers} proc ${proc}` };
    return this.template;
  }

  private send(prog: number, vers: number, proc: number, args: readonly Buffer[], opts: CallOptions): Promise<XdrReader> {
    const xid = this.allocXid();
    const t = this.templateFor(prog, vers, proc);
    const what = t.what;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise<XdrReader>((resolve, reject) => {
      const timed = timeoutMs > 0 && Number.isFinite(timeoutMs);
      const p: Pending = { resolve, reject, deadline: timed ? Date.now() + timeoutMs : 0, timeoutMs, what };
      this.pending.set(xid, p);
      if (timed) this.sweepBy(p.deadline);
      try {
        this.write(t.head, xid, args);
      } catch (e) {
        this.settle(xid);
        reject(e);
      }
    });
  }

  /**
   * RFC 5531 §11 record = mark + call header + args. A small call goes out as
   * one buffer (one socket write, no writev array, no corking); large
   * arguments (WRITE/SETATTR data) keep their chunks.
   */
  private write(head: Buffer, xid: number, args: readonly Buffer[]): void {
    let argBytes = 0;
    for (const a of args) argBytes += a.length;
    if (argBytes > SINGLE_BUFFER_ARGS) {
      const h = Buffer.from(head.subarray(4));
      h.writeUInt32BE(xid, 0);
      this.transport.writeRecord([h, ...args]);
      return;
    }
    const rec = Buffer.allocUnsafe(head.length + argBytes);
    head.copy(rec, 0);
    rec.writeUInt32BE((LAST_FRAGMENT | (head.length - 4 + argBytes)) >>> 0, 0);
    rec.writeUInt32BE(xid, 4);
    let at = head.length;
    for (const a of args) at += a.copy(rec, at);
    this.transport.writeFramed(rec);
  }

  /**
   * Timeouts: one timer for the earliest deadline instead of a timer set and
   * cleared per call. It is unref'd: while a call is in flight its socket
   * keeps the process alive.
   */
  private sweepBy(deadline: number): void {
    if (deadline >= this.sweepAt) return;
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweepAt = deadline;
    this.sweeper = setTimeout(() => this.sweep(), Math.max(1, deadline - Date.now()));
    this.sweeper.unref();
  }

  /** Fails the calls past their deadline and re-arms for the next one. */
  private sweep(): void {
    this.sweeper = undefined;
    this.sweepAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [xid, p] of this.pending) {
      if (p.deadline === 0) continue;
      if (p.deadline <= now) {
        this.pending.delete(xid);
        debug('xid %d timed out after %d ms', xid, p.timeoutMs);
        p.reject(new RpcError('IMAFS_RPC_TIMEOUT', `${p.what}: no reply within ${p.timeoutMs} ms`));
      } else if (p.deadline < next) {
        next = p.deadline;
      }
    }
    if (next !== Infinity) this.sweepBy(next);
  }

  private settle(xid: number): Pending | undefined {
    const p = this.pending.get(xid);
    if (!p) return undefined;
    this.pending.delete(xid);
    return p;
  }

  private onRecord(rec: Buffer): void {
    if (rec.length < 4) {
      debug('dropping a %d-byte record: too short for an RPC reply', rec.length);
      return;
    }
    const xid = rec.readUInt32BE(0);
    const p = this.settle(xid);
    if (!p) {
      // Late replies after a timeout, or back-channel calls we never asked for.
      debug('dropping record for unknown xid %d (late, duplicate or not a reply)', xid);
      return;
    }
    // RFC 5531 §9: MSG_REPLY, MSG_ACCEPTED, an AUTH_NONE verifier and SUCCESS, the
    // answer to nearly every call, is 20 fixed bytes after the xid: results follow.
    if (rec.length >= 24 && rec.readUInt32BE(4) === MSG_REPLY && rec.readUInt32BE(8) === MSG_ACCEPTED && rec.readUInt32BE(12) === AUTH_NONE
      && rec.readUInt32BE(16) === 0 && rec.readUInt32BE(20) === SUCCESS) {
      p.resolve(new XdrReader(rec, 24));
      return;
    }
    try {
      const r = new XdrReader(rec);
      const h = decodeReply(r);
      const err = replyError(h, p.what);
      if (err) p.reject(err);
      else p.resolve(r);
    } catch (e) {
      p.reject(e instanceof ImafsClientError ? new RpcError('IMAFS_RPC_BAD_REPLY', `${p.what}: malformed reply: ${e.message}`, { cause: e }) : (e as Error));
    }
  }

  private failAll(err: RpcError): void {
    if (this.pending.size) debug('failing %d in-flight calls: %s', this.pending.size, err.message);
    const all = [...this.pending.keys()];
    for (const xid of all) {
      const p = this.settle(xid);
      p?.reject(new RpcError(err.code as RpcErrorCode, `${p.what}: ${err.message}`, { cause: err }));
    }
  }

  /**
   * Gives the memory of a reply (any view into it, e.g. READ data) back for
   * reuse. Only for callers that no longer touch any view into that reply.
   */
  recycle(view: Uint8Array): void {
    this.pool.recycle(view);
  }

  /** Whether `view` lies in a pooled reply buffer (see recycle()): keep a copy, not the view, if it must outlive its owner. */
  isPooled(view: Uint8Array): boolean {
    return this.pool.owns(view);
  }

  /** Drops the connection (in-flight calls fail with IMAFS_RPC_CONN_CLOSED); the next call reconnects. */
  reset(reason: string): void {
    this.transport.reset(reason);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweeper = undefined;
    this.sweepAt = Infinity;
    await this.transport.close();
    this.failAll(new RpcError('IMAFS_RPC_CLOSED', 'RPC client closed'));
  }
}
