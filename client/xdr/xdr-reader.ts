import { XdrError } from '../errors.js';

/**
 * The one XDR (RFC 4506) decoder. Every decode in imafs goes through it so that
 * bounds, padding and length limits are checked in exactly one place: `advance`.
 *
 * Byte fields come back as views into the input (no copy); callers that keep
 * them beyond the life of the input buffer copy them themselves.
 */
export class XdrReader {
  private readonly buf: Buffer;
  private pos: number;
  private readonly end: number;

  constructor(buf: Uint8Array, offset = 0, end = buf.length) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    if (offset < 0 || end > this.buf.length || offset > end) {
      throw new XdrError('IMAFS_XDR_SHORT_BUFFER', `bad reader window ${offset}..${end}`, offset);
    }
    this.pos = offset;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /**
   * RFC 4506 §3: every item occupies a multiple of four bytes; the 0-3 fill
   * bytes "MUST be zero". Returns the start of the `n` data bytes.
   */
  private advance(n: number, what: string): number {
    const pad = (4 - (n & 3)) & 3;
    const start = this.pos;
    if (n + pad > this.end - start) {
      throw new XdrError('IMAFS_XDR_SHORT_BUFFER', `${what}: need ${n + pad} bytes, ${this.end - start} left`, start);
    }
    for (let i = start + n; i < start + n + pad; i++) {
      if (this.buf[i] !== 0) throw new XdrError('IMAFS_XDR_BAD_PADDING', `${what}: non-zero fill byte`, i);
    }
    this.pos = start + n + pad;
    return start;
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.advance(4, 'uint32'));
  }

  int32(): number {
    return this.buf.readInt32BE(this.advance(4, 'int32'));
  }

  /** RFC 4506 §4.5: hyper integers, as bigint so no precision is lost. */
  uint64(): bigint {
    return this.buf.readBigUInt64BE(this.advance(8, 'uint64'));
  }

  /**
   * RFC 4506 §4.5 unsigned hyper as a Number, without a BigInt: the value
   * Number(uint64()) gives (exact up to 2^53, else rounded the same way:
   * hi * 2^32 is exact, so the sum is rounded once, to nearest).
   */
  uint64Number(): number {
    const at = this.advance(8, 'uint64');
    return this.buf.readUInt32BE(at) * 0x1_0000_0000 + this.buf.readUInt32BE(at + 4);
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.advance(8, 'int64'));
  }

  /** RFC 4506 §4.4: an enum whose only values are FALSE (0) and TRUE (1). */
  bool(): boolean {
    const at = this.pos;
    const v = this.uint32();
    if (v > 1) throw new XdrError('IMAFS_XDR_BAD_VALUE', `bool: ${v} is neither 0 nor 1`, at);
    return v === 1;
  }

  /** An enum checked against its allowed values. */
  enumOf<T extends number>(allowed: ReadonlySet<number>, what: string): T {
    const at = this.pos;
    const v = this.int32();
    if (!allowed.has(v)) throw new XdrError('IMAFS_XDR_BAD_VALUE', `${what}: unknown value ${v}`, at);
    return v as T;
  }

  /** RFC 4506 §4.9: opaque x[n], padded to four bytes. */
  opaqueFixed(n: number, what = 'opaque[n]'): Buffer {
    const start = this.advance(n, what);
    return this.buf.subarray(start, start + n);
  }

  /** The uint32 length that opens opaque<max> and string<max> (RFC 4506 §4.10-§4.11), checked against max. */
  private length(max: number, what: string): number {
    const at = this.pos;
    const len = this.uint32();
    if (len > max) throw new XdrError('IMAFS_XDR_TOO_LONG', `${what}: length ${len} exceeds maximum ${max}`, at);
    return len;
  }

  /** RFC 4506 §4.10: opaque x<max>: a uint32 length, the bytes, padding. */
  opaqueVar(max: number, what = 'opaque<>'): Buffer {
    return this.opaqueFixed(this.length(max, what), what);
  }

  /** RFC 4506 §4.11: string<max>; NFSv4 strings are UTF-8 (RFC 8881 §14). */
  string(max: number, what = 'string<>'): string {
    const len = this.length(max, what);
    const start = this.advance(len, what);
    // Decoded from the input directly: no Buffer view per string (a READDIR has one per entry).
    return this.buf.toString('utf8', start, start + len);
  }

  /** RFC 4506 §4.13: T x<max>, a counted array. */
  array<T>(max: number, item: (r: XdrReader) => T, what = 'array<>'): T[] {
    const at = this.pos;
    const n = this.uint32();
    if (n > max) throw new XdrError('IMAFS_XDR_TOO_LONG', `${what}: ${n} elements exceed maximum ${max}`, at);
    // Each element takes at least 4 bytes: refuse a count the buffer cannot hold
    // before allocating anything for it.
    if (n * 4 > this.remaining) {
      throw new XdrError('IMAFS_XDR_SHORT_BUFFER', `${what}: ${n} elements cannot fit in ${this.remaining} bytes`, at);
    }
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = item(this);
    return out;
  }

  /** RFC 4506 §4.19: optional-data `T *x`, a bool then the value. */
  optional<T>(item: (r: XdrReader) => T): T | undefined {
    return this.bool() ? item(this) : undefined;
  }

  /**
   * A linked list written as optional-data (`entry4 *nextentry`, RFC 8881 §18.23),
   * decoded in a loop rather than by recursion so a long list cannot overflow
   * the stack; `max` bounds its length.
   */
  list<T>(max: number, item: (r: XdrReader) => T, what = 'list'): T[] {
    const out: T[] = [];
    for (;;) {
      const at = this.pos;
      if (!this.bool()) return out;
      if (out.length >= max) throw new XdrError('IMAFS_XDR_TOO_LONG', `${what}: more than ${max} entries`, at);
      out.push(item(this));
    }
  }

  /** Everything but the bytes already consumed, as a view (e.g. an opaque body). */
  rest(): Buffer {
    const out = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }

  /** A message must be consumed exactly: trailing bytes mean a framing or codec bug. */
  assertEnd(what = 'message'): void {
    if (this.pos !== this.end) {
      throw new XdrError('IMAFS_XDR_TRAILING_BYTES', `${what}: ${this.end - this.pos} unread trailing bytes`, this.pos);
    }
  }
}
