/**
 * One client TCP connection: RPC record reassembly (RFC 5531 §11) with a
 * bounded record size, at most `maxInFlight` calls executing at once, and
 * replies written as soon as each call finishes (XIDs, not order, match them
 * up). Two kinds of backpressure stop reading the socket: too many calls in
 * flight, and too many reply bytes the peer has not read yet. A peer that
 * vanishes mid-reply only loses its own replies.
 */
import type net from 'node:net';
import util from 'node:util';
import { LAST_FRAGMENT, RecordParser, frameRecord } from '../client/rpc/record-marking.js';

const debug = util.debuglog('imafs:server');

/** Chunks at least this large are written by reference; smaller neighbours are copied together. */
const BY_REFERENCE = 32 * 1024;

/**
 * A reply is many small pieces (one or two per op result, plus headers): each
 * socket.write costs a microsecond or more of stream bookkeeping, far more
 * than copying a few hundred bytes, so runs of small chunks are joined and
 * only large ones (READ data) keep their own write.
 */
export function coalesce(chunks: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let run: Buffer[] = [];
  let runBytes = 0;
  const flush = (): void => {
    if (run.length === 1) out.push(run[0]);
    else if (run.length > 1) out.push(Buffer.concat(run, runBytes));
    run = [];
    runBytes = 0;
  };
  for (const c of chunks) {
    if (c.length >= BY_REFERENCE) {
      flush();
      out.push(c);
    } else {
      run.push(c);
      runBytes += c.length;
    }
  }
  flush();
  return out;
}

/**
 * RFC 5531 §11: a reply of small chunks (every reply but READ data) framed
 * into one buffer at once: mark + body, one copy, one write.
 */
function smallRecord(chunks: readonly Buffer[]): Buffer[] | undefined {
  let total = 0;
  for (const c of chunks) {
    if (c.length >= BY_REFERENCE) return undefined;
    total += c.length;
  }
  if (total >= BY_REFERENCE) return undefined;
  const out = Buffer.allocUnsafe(4 + total);
  out.writeUInt32BE((LAST_FRAGMENT | total) >>> 0, 0);
  let at = 4;
  for (const c of chunks) at += c.copy(out, at);
  return [out];
}

export interface PeerInfo {
  readonly id: number;
  readonly addr: string;
  readonly port: number;
}

/**
 * Executes one RPC record; resolves to the reply chunks (and what to run once
 * they are written), or undefined when no reply can be sent.
 */
export type RecordHandler = (record: Buffer, peer: PeerInfo) => Promise<{ chunks: Buffer[]; afterReply?: () => void } | undefined>;

export interface ConnectionLimits {
  maxRecordSize: number;
  maxInFlight: number;
  /** Stop reading while more than this many reply bytes wait in the socket. */
  maxPendingWrite: number;
}

export class Connection {
  readonly peer: PeerInfo;
  private readonly parser: RecordParser;
  private inFlight = 0;
  private closed = false;
  private pausedFor = new Set<'calls' | 'writes'>();

  constructor(
    private readonly socket: net.Socket,
    id: number,
    private readonly handle: RecordHandler,
    private readonly limits: ConnectionLimits,
    private readonly onProblem: (peer: PeerInfo, why: string) => void,
  ) {
    this.peer = { id, addr: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 };
    this.parser = new RecordParser({ maxRecordSize: limits.maxRecordSize, onRecord: (rec) => this.dispatch(rec) });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.resume('writes'));
    socket.on('error', (err) => debug('conn %d: %s', id, err.message));
    socket.on('close', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.parser.push(chunk);
    } catch (err) {
      // The stream can no longer be framed: nothing else on it can be trusted.
      this.onProblem(this.peer, (err as Error).message);
      this.destroy();
    }
  }

  private pause(why: 'calls' | 'writes'): void {
    if (this.pausedFor.size === 0) this.socket.pause();
    this.pausedFor.add(why);
  }

  private resume(why: 'calls' | 'writes'): void {
    if (!this.pausedFor.delete(why)) return;
    if (this.pausedFor.size === 0 && !this.closed) this.socket.resume();
  }

  private dispatch(record: Buffer): void {
    this.inFlight++;
    if (this.inFlight >= this.limits.maxInFlight) this.pause('calls');
    // One then() for both outcomes: no extra promises for catch/finally per call.
    this.handle(record, this.peer).then(
      (reply) => {
        try {
          if (reply) this.write(reply.chunks, reply.afterReply);
        } catch (err) {
          this.internalError(err);
        }
        this.done();
      },
      (err: unknown) => {
        this.internalError(err);
        this.done();
      },
    );
  }

  /** Handlers answer protocol errors themselves; reaching here is a server bug. */
  private internalError(err: unknown): void {
    this.onProblem(this.peer, `internal error: ${(err as Error)?.stack ?? String(err)}`);
  }

  private done(): void {
    this.inFlight--;
    if (this.inFlight < this.limits.maxInFlight) this.resume('calls');
  }

  private write(chunks: Buffer[], afterReply?: () => void): void {
    if (this.closed || this.socket.destroyed) {
      afterReply?.();
      return;
    }
    const framed = smallRecord(chunks) ?? coalesce(frameRecord(chunks));
    // cork/uncork turns the writes into one writev; large READ data goes by
    // reference, and its buffer is released only when the socket is done with
    // it (written, or the write failed because the peer went away).
    const last = framed.length - 1;
    if (last > 0) this.socket.cork();
    for (let i = 0; i < last; i++) this.socket.write(framed[i]);
    this.socket.write(framed[last], afterReply ? () => afterReply() : undefined);
    if (last > 0) this.socket.uncork();
    if (this.socket.writableLength > this.limits.maxPendingWrite) this.pause('writes');
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
