import { RpcError } from '../errors.js';

/**
 * RFC 5531 §11, record marking on a byte stream:
 *
 *   +-----------------------------+------------------------+
 *   | last (1 bit) | length (31 b) | fragment bytes         |
 *   +-----------------------------+------------------------+
 *
 * A record is one or more fragments; the fragment whose header has the top bit
 * set ends it. The parser is a two-state machine (HEADER, BODY) over the chunks
 * the socket hands us, in the manner of undici's WebSocket ByteParser: a field
 * that lies inside one chunk is returned as a view, and bytes are copied only
 * when a field spans chunks. The record-size bound is checked as soon as each
 * fragment header is read, before any byte of the fragment is buffered, so a
 * hostile peer cannot make us allocate more than `maxRecordSize`.
 */

export const LAST_FRAGMENT = 0x80000000;
export const MAX_FRAGMENT = 0x7fffffff;

export interface RecordParserOptions {
  /** Largest whole record accepted (sum of its fragments), in bytes. */
  maxRecordSize: number;
  /** Called once per complete record, in stream order. */
  onRecord: (record: Buffer) => void;
  /** Allocates the buffer of a fragment that spans reads (default Buffer.allocUnsafe). */
  alloc?: (size: number) => Buffer;
}

const enum State { Header, Body, Failed }

export class RecordParser {
  private readonly max: number;
  private readonly onRecord: (record: Buffer) => void;
  private readonly alloc: (size: number) => Buffer;
  private state = State.Header;
  /** A header split across chunks is assembled here. */
  private readonly header = Buffer.alloc(4);
  private headerHave = 0;
  private fragLast = false;
  private fragLen = 0;
  /** Destination of a fragment that spans chunks (allocated once, at header time). */
  private fragBuf: Buffer | undefined;
  private fragHave = 0;
  /** Completed fragments of the record in progress. */
  private parts: Buffer[] = [];
  private recordSize = 0;

  constructor(opts: RecordParserOptions) {
    if (!(opts.maxRecordSize > 0)) throw new RangeError('maxRecordSize must be positive');
    this.max = opts.maxRecordSize;
    this.onRecord = opts.onRecord;
    this.alloc = opts.alloc ?? Buffer.allocUnsafe;
  }

  /** Bytes held for an incomplete record (diagnostics, tests). */
  get buffered(): number {
    return this.recordSize + this.fragHave + this.headerHave;
  }

  /**
   * Where the next socket read may land directly (zero copy): the unfilled
   * tail of a fragment already known to span reads. undefined in every other
   * state; the caller then reads into its own scratch buffer and push()es it.
   */
  directTarget(): Buffer | undefined {
    return this.state === State.Body && this.fragBuf !== undefined ? this.fragBuf.subarray(this.fragHave, this.fragLen) : undefined;
  }

  /** `n` bytes were read straight into directTarget(). */
  directWritten(n: number): void {
    if (this.fragBuf === undefined || n > this.fragLen - this.fragHave) throw new RangeError('directWritten beyond the fragment');
    this.fragHave += n;
    if (this.fragHave === this.fragLen) {
      const done = this.fragBuf;
      this.fragBuf = undefined;
      this.fragHave = 0;
      this.endFragment(done);
    }
  }

  /**
   * Feeds one chunk. Throws RpcError IMAFS_RPC_RECORD_TOO_LARGE when a header
   * announces more than the bound; the parser then refuses further input
   * because the stream can no longer be framed. `transient` means the chunk's
   * memory is reused after this call (a scratch read buffer): fragments that
   * lie inside it are copied instead of viewed.
   */
  push(chunk: Buffer, transient = false): void {
    if (this.state === State.Failed) throw new RpcError('IMAFS_RPC_BAD_REPLY', 'record parser already failed; stream cannot be reframed');
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === State.Header) {
        const take = Math.min(4 - this.headerHave, chunk.length - pos);
        if (this.headerHave === 0 && take === 4) {
          this.startFragment(chunk.readUInt32BE(pos));
        } else {
          chunk.copy(this.header, this.headerHave, pos, pos + take);
          this.headerHave += take;
          if (this.headerHave === 4) {
            this.headerHave = 0;
            this.startFragment(this.header.readUInt32BE(0));
          }
        }
        pos += take;
        // An empty fragment has no body state; finish it right away.
        if ((this.state as State) === State.Body && this.fragLen === 0) this.endFragment(Buffer.alloc(0));
        continue;
      }
      // State.Body
      const avail = chunk.length - pos;
      if (this.fragBuf === undefined && avail >= this.fragLen) {
        const view = transient ? Buffer.from(chunk.subarray(pos, pos + this.fragLen)) : chunk.subarray(pos, pos + this.fragLen);
        pos += this.fragLen;
        this.endFragment(view);
        continue;
      }
      this.fragBuf ??= this.alloc(this.fragLen);
      const take = Math.min(this.fragLen - this.fragHave, avail);
      chunk.copy(this.fragBuf, this.fragHave, pos, pos + take);
      this.fragHave += take;
      pos += take;
      if (this.fragHave === this.fragLen) {
        const done = this.fragBuf;
        this.fragBuf = undefined;
        this.fragHave = 0;
        this.endFragment(done);
      }
    }
  }

  private startFragment(word: number): void {
    this.fragLast = (word & LAST_FRAGMENT) !== 0;
    this.fragLen = word & MAX_FRAGMENT;
    if (this.recordSize + this.fragLen > this.max) {
      this.state = State.Failed;
      this.parts = [];
      throw new RpcError(
        'IMAFS_RPC_RECORD_TOO_LARGE',
        `RPC record of at least ${this.recordSize + this.fragLen} bytes exceeds the limit of ${this.max} bytes`,
      );
    }
    this.state = State.Body;
  }

  private endFragment(frag: Buffer): void {
    this.state = State.Header;
    if (!this.fragLast) {
      this.parts.push(frag);
      this.recordSize += frag.length;
      return;
    }
    let record = frag;
    if (this.parts.length > 0) {
      this.parts.push(frag);
      record = Buffer.concat(this.parts, this.recordSize + frag.length);
      this.parts = [];
    }
    this.recordSize = 0;
    this.onRecord(record);
  }
}

/**
 * Frames one record for writev: a header chunk in front of the body chunks,
 * splitting into several fragments only when the record exceeds
 * `maxFragment` (2^31 - 1 by default, i.e. practically never for us). Body
 * chunks are never copied.
 */
export function frameRecord(chunks: readonly Buffer[], maxFragment = MAX_FRAGMENT): Buffer[] {
  if (!(maxFragment > 0 && maxFragment <= MAX_FRAGMENT)) throw new RangeError(`maxFragment must be in 1..${MAX_FRAGMENT}`);
  let total = 0;
  for (const c of chunks) total += c.length;
  if (total <= maxFragment) {
    const h = Buffer.allocUnsafe(4);
    h.writeUInt32BE((LAST_FRAGMENT | total) >>> 0, 0);
    return [h, ...chunks];
  }
  const out: Buffer[] = [];
  let left = total;
  let fragLeft = 0;
  for (const c of chunks) {
    let at = 0;
    while (at < c.length) {
      if (fragLeft === 0) {
        fragLeft = Math.min(maxFragment, left);
        left -= fragLeft;
        const h = Buffer.allocUnsafe(4);
        h.writeUInt32BE(((left === 0 ? LAST_FRAGMENT : 0) | fragLeft) >>> 0, 0);
        out.push(h);
      }
      const take = Math.min(fragLeft, c.length - at);
      out.push(c.subarray(at, at + take));
      at += take;
      fragLeft -= take;
    }
  }
  return out;
}
