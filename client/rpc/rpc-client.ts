import { randomInt } from 'node:crypto';
import { debuglog } from 'node:util';
import { ImafsClientError, RpcError, type RpcErrorCode } from '../errors.js';
import { XdrReader } from '../xdr/xdr-reader.js';
import { XdrWriter } from '../xdr/xdr-writer.js';
import { AUTH_NONE_TOKEN } from './auth.js';
import { decodeReply, encodeCall, replyError, type OpaqueAuth } from './rpc-message.js';
import { BufferPool } from './buffer-pool.js';
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

interface Pending {
  resolve: (r: XdrReader) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
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
   * written as they are, so a large opaque is never copied).
   */
  async call(prog: number, vers: number, proc: number, args: readonly Buffer[], opts: CallOptions = {}): Promise<XdrReader> {
    if (this.closed) throw new RpcError('IMAFS_RPC_CLOSED', 'RPC client is closed');
    await this.transport.connect();
    const xid = this.allocXid();
    const w = new XdrWriter(128);
    encodeCall(w, { xid, prog, vers, proc, cred: this.cred, verf: AUTH_NONE_TOKEN });
    const what = `RPC call prog ${prog} v${vers} proc ${proc}`;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return await new Promise<XdrReader>((resolve, reject) => {
      const p: Pending = { resolve, reject, timer: undefined, what };
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        p.timer = setTimeout(() => {
          if (this.pending.get(xid) !== p) return;
          this.pending.delete(xid);
          debug('xid %d timed out after %d ms', xid, timeoutMs);
          reject(new RpcError('IMAFS_RPC_TIMEOUT', `${what}: no reply within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending.set(xid, p);
      try {
        this.transport.writeRecord([...w.chunks(), ...args]);
      } catch (e) {
        this.settle(xid);
        reject(e);
      }
    });
  }

  private settle(xid: number): Pending | undefined {
    const p = this.pending.get(xid);
    if (!p) return undefined;
    this.pending.delete(xid);
    if (p.timer) clearTimeout(p.timer);
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
    await this.transport.close();
    this.failAll(new RpcError('IMAFS_RPC_CLOSED', 'RPC client closed'));
  }
}
