import { XdrError } from '../errors.js';

const ZERO = Buffer.alloc(4);
const EMPTY = Buffer.alloc(0);
/** Opaques at least this large are kept by reference, not copied (READ payloads). */
const BY_REFERENCE = 4096;

/**
 * The one XDR (RFC 4506) encoder. Small items go into a scratch buffer that
 * grows by doubling; large opaques are queued by reference so a 1 MiB READ
 * reply is never copied before it reaches the socket (`chunks()` for writev).
 * Every variable-length field takes its protocol maximum and refuses to write
 * more, so a bug cannot put an over-limit field on the wire.
 */
export class XdrWriter {
  private chunks_: Buffer[] = [];
  private scratch: Buffer;
  private used = 0;
  private flushedBytes = 0;

  constructor(initial = 512) {
    this.scratch = Buffer.allocUnsafe(initial);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushedBytes + this.used;
  }

  /** Reserves n bytes and returns their offset. May replace `scratch`: read it only after calling. */
  private room(n: number): number {
    if (this.used + n > this.scratch.length) {
      let size = Math.max(512, this.scratch.length * 2);
      while (size < this.used + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.scratch.copy(next, 0, 0, this.used);
      this.scratch = next;
    }
    const at = this.used;
    this.used += n;
    return at;
  }

  private flushScratch(): void {
    if (this.used === 0) return;
    this.chunks_.push(this.scratch.subarray(0, this.used));
    this.flushedBytes += this.used;
    // The rest is allocated only if more is written: most writers are done by chunks().
    this.scratch = EMPTY;
    this.used = 0;
  }

  uint32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new XdrError('IMAFS_XDR_BAD_VALUE', `uint32: ${v} out of range`, this.length);
    }
    const at = this.room(4);
    this.scratch.writeUInt32BE(v, at);
    return this;
  }

  int32(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new XdrError('IMAFS_XDR_BAD_VALUE', `int32: ${v} out of range`, this.length);
    }
    const at = this.room(4);
    this.scratch.writeInt32BE(v, at);
    return this;
  }

  uint64(v: bigint): this {
    const at = this.room(8);
    this.scratch.writeBigUInt64BE(BigInt.asUintN(64, v), at);
    return this;
  }

  int64(v: bigint): this {
    const at = this.room(8);
    this.scratch.writeBigInt64BE(BigInt.asIntN(64, v), at);
    return this;
  }

  bool(v: boolean): this {
    return this.uint32(v ? 1 : 0);
  }

  /** RFC 4506 §4.9: fixed-length opaque; the length is the type's, not written. */
  opaqueFixed(data: Uint8Array, n: number, what = 'opaque[n]'): this {
    if (data.length !== n) {
      throw new XdrError('IMAFS_XDR_BAD_VALUE', `${what}: ${data.length} bytes, type requires ${n}`, this.length);
    }
    return this.bytes(data);
  }

  /** RFC 4506 §4.10: variable-length opaque with its maximum. */
  opaqueVar(data: Uint8Array, max: number, what = 'opaque<>'): this {
    if (data.length > max) {
      throw new XdrError('IMAFS_XDR_TOO_LONG', `${what}: ${data.length} bytes exceed maximum ${max}`, this.length);
    }
    this.uint32(data.length);
    return this.bytes(data);
  }

  string(s: string, max: number, what = 'string<>'): this {
    // Short ASCII strings (names, numeric owners, the empty tag) go straight into the scratch buffer.
    const n = s.length;
    if (n <= 64 && n <= max) {
      const at = this.room(4 + ((n + 3) & ~3));
      const b = this.scratch;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[at + 4 + i] = c;
      }
      if (i === n) {
        b.writeUInt32BE(n, at);
        for (let k = at + 4 + n; k < at + 4 + ((n + 3) & ~3); k++) b[k] = 0;
        return this;
      }
      this.used = at; // not ASCII: give the room back and take the general path
    }
    return this.opaqueVar(Buffer.from(s, 'utf8'), max, what);
  }

  array<T>(items: readonly T[], max: number, item: (w: XdrWriter, v: T) => void, what = 'array<>'): this {
    if (items.length > max) {
      throw new XdrError('IMAFS_XDR_TOO_LONG', `${what}: ${items.length} elements exceed maximum ${max}`, this.length);
    }
    this.uint32(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  optional<T>(v: T | undefined, item: (w: XdrWriter, v: T) => void): this {
    this.bool(v !== undefined);
    if (v !== undefined) item(this, v);
    return this;
  }

  /** Optional-data linked list (RFC 8881 entry4 *nextentry style). */
  list<T>(items: readonly T[], item: (w: XdrWriter, v: T) => void): this {
    for (const v of items) {
      this.bool(true);
      item(this, v);
    }
    return this.bool(false);
  }

  /** Already-encoded XDR (e.g. a nested fattr4 attr_vals body). Must be 4-aligned. */
  raw(data: Uint8Array): this {
    if (data.length & 3) {
      throw new XdrError('IMAFS_XDR_BAD_VALUE', `raw: ${data.length} bytes is not a multiple of 4`, this.length);
    }
    return this.bytes(data);
  }

  private bytes(data: Uint8Array): this {
    const pad = (4 - (data.length & 3)) & 3;
    if (data.length >= BY_REFERENCE) {
      this.flushScratch();
      this.chunks_.push(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      this.flushedBytes += data.length;
    } else {
      const at = this.room(data.length);
      this.scratch.set(data, at);
    }
    if (pad) {
      const at = this.room(pad);
      ZERO.copy(this.scratch, at, 0, pad);
    }
    return this;
  }

  /** The encoded message as a list of buffers, suitable for socket writev. */
  chunks(): Buffer[] {
    this.flushScratch();
    return this.chunks_.slice();
  }

  /** The encoded message as one buffer. */
  finish(): Buffer {
    const parts = this.chunks();
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
}
