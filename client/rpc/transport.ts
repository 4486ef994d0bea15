import net from 'node:net';
import { debuglog } from 'node:util';
import { ImafsClientError, RpcError } from '../errors.js';
import type { BufferPool } from './buffer-pool.js';
import { frameRecord, RecordParser } from './record-marking.js';

const debug = debuglog('imafs:rpc');
const SCRATCH_SIZE = 64 * 1024;

export interface TransportOptions {
  host: string;
  port: number;
  /** Milliseconds allowed for the TCP handshake. */
  connectTimeoutMs: number;
  /** Bound on one incoming RPC record. */
  maxRecordSize: number;
  /** One complete incoming record. */
  onRecord: (record: Buffer) => void;
  /** The connection ended (after a successful connect); in-flight work is lost. */
  onDisconnect: (err: RpcError) => void;
  /** Record buffers for large replies (reused when their owners recycle them). */
  pool?: BufferPool;
}

/**
 * The only module of the client that owns a socket. It connects (with a
 * timeout), frames outgoing records (RFC 5531 §11) and writes their chunks
 * with one corked writev, feeds incoming bytes to a fresh RecordParser per
 * connection, and reports a lost connection once. A later `connect()` opens a
 * new connection: that is the whole of "reconnect" at this layer; what to
 * replay is the session layer's business.
 */
export class Transport {
  private readonly o: TransportOptions;
  private socket: net.Socket | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  /** Connections opened so far; lets callers notice a reconnect. */
  generation = 0;

  constructor(o: TransportOptions) {
    this.o = o;
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new RpcError('IMAFS_RPC_CLOSED', 'transport is closed'));
    if (this.socket) return Promise.resolve();
    this.connecting ??= this.open().finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  private open(): Promise<void> {
    const { host, port, connectTimeoutMs } = this.o;
    const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    debug('connecting to %s', where);
    // Reads go straight into the record being assembled when a large reply
    // is in progress (a 1 MiB READ is never copied from a socket chunk), and
    // into one reused scratch buffer otherwise: no per-read allocation.
    const scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
    const pool = this.o.pool;
    const parser = new RecordParser({ maxRecordSize: this.o.maxRecordSize, onRecord: this.o.onRecord, alloc: pool ? (n) => pool.take(n) : undefined });
    let target: Buffer = scratch;
    let failed: ((e: unknown) => void) | undefined;
    const onread = {
      buffer: (): Buffer => (target = parser.directTarget() ?? scratch),
      callback: (n: number): boolean => {
        try {
          if (target === scratch) parser.push(scratch.subarray(0, n), true);
          else parser.directWritten(n);
        } catch (e) {
          failed?.(e);
          return false;
        }
        return true;
      },
    };
    return new Promise<void>((resolve, reject) => {
      const s = net.connect({ host, port, noDelay: true, onread });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new RpcError('IMAFS_RPC_CONNECT', `cannot connect to ${where}: no answer within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      const fail = (e: Error): void => {
        clearTimeout(timer);
        reject(new RpcError('IMAFS_RPC_CONNECT', `cannot connect to ${where}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, { cause: e }));
      };
      s.once('error', fail);
      s.once('connect', () => {
        clearTimeout(timer);
        s.off('error', fail);
        if (this.closed) {
          s.destroy();
          reject(new RpcError('IMAFS_RPC_CLOSED', 'transport closed while connecting'));
          return;
        }
        failed = this.attach(s, where);
        resolve();
      });
    });
  }

  /** Wires a connected socket; returns the handler for a parse failure. */
  private attach(s: net.Socket, where: string): (e: unknown) => void {
    this.generation++;
    this.socket = s;
    let lost: RpcError | undefined;
    const onParseError = (e: unknown): void => {
      // The stream can no longer be framed (or a record handler threw): drop the connection.
      lost = e instanceof RpcError ? e : new RpcError('IMAFS_RPC_BAD_REPLY', `bad data from ${where}: ${(e as Error).message}`, { cause: e });
      s.destroy();
    };
    s.on('error', (e: NodeJS.ErrnoException) => {
      lost ??= new RpcError('IMAFS_RPC_CONN_CLOSED', `connection to ${where} failed: ${e.code ?? e.message}`, { cause: e });
    });
    s.on('close', () => {
      if (this.socket === s) this.socket = undefined;
      const err = lost ?? new RpcError('IMAFS_RPC_CONN_CLOSED', `connection to ${where} closed by ${this.closed ? 'us' : 'the server'}`);
      debug('disconnected from %s: %s', where, err.message);
      this.o.onDisconnect(err);
    });
    return onParseError;
  }

  /**
   * Writes one record (its body as chunks). Returns false when the socket's
   * buffer is full (the caller may wait for drain); throws when not connected.
   */
  writeRecord(body: readonly Buffer[]): boolean {
    const s = this.socket;
    if (!s) throw new RpcError('IMAFS_RPC_CONN_CLOSED', 'not connected');
    const framed = frameRecord(body);
    s.cork();
    let ok = true;
    for (const c of framed) ok = s.write(c);
    s.uncork();
    return ok;
  }

  /** Writes one record already framed by the caller (mark included): a single socket write. */
  writeFramed(record: Buffer): boolean {
    const s = this.socket;
    if (!s) throw new RpcError('IMAFS_RPC_CONN_CLOSED', 'not connected');
    return s.write(record);
  }

  /** Drops the current connection (e.g. after a timeout left it in doubt); a later connect() opens a new one. */
  reset(reason: string): void {
    const s = this.socket;
    if (!s) return;
    debug('resetting connection: %s', reason);
    s.destroy();
  }

  close(): Promise<void> {
    this.closed = true;
    const s = this.socket;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.end();
      // A server that never answers our FIN must not keep us open.
      setTimeout(() => s.destroy(), 1000).unref();
    });
  }
}

export function isConnectionError(e: unknown): boolean {
  return e instanceof ImafsClientError && (e.code === 'IMAFS_RPC_CONN_CLOSED' || e.code === 'IMAFS_RPC_CONNECT');
}
