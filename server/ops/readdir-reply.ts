/**
 * READDIR's entry list written by the server in one pass into one buffer of
 * exactly its size (RFC 8881 §18.23):
 *
 *   struct entry4 { nfs_cookie4 cookie; component4 name; fattr4 attrs; entry4 *nextentry; };
 *   struct dirlist4 { entry4 *entries; bool eof; };
 *   struct READDIR4resok { verifier4 cookieverf; dirlist4 reply; };
 *   struct fattr4 { bitmap4 attrmask; attrlist4 attr_vals; };    (§3.3.9, bitmap4 = uint32_t<>)
 *
 * The optional-data list puts a TRUE before every entry4 and a FALSE after
 * the last. The shared codec (client/nfs4/ops/readdir.ts) takes an Entry4
 * object per entry and re-encodes each one's attr_vals; for a listing of a
 * thousand files that was a copy of every value, two growing writers and
 * five objects per entry. The bytes are the same (tests compare them with
 * the shared decoder).
 */
import { XdrError } from '../../client/errors.js';
import { MAX_BITMAP_WORDS } from '../../client/nfs4/bitmap.js';
import { MAX_ATTRLIST } from '../../client/nfs4/fattr.js';
import { NFS4_OK } from '../../client/nfs4/status.js';
import { readdirOp, type ReaddirArgs, type ReaddirRes, type ReaddirResok } from '../../client/nfs4/ops/readdir.js';
import type { OpCodec } from '../../client/nfs4/op-codec.js';
import { encodeVerifier4, MAX_COMPONENT } from '../../client/nfs4/types.js';

const pad4 = (n: number): number => (n + 3) & ~3;

/** READDIR4resok with `list`: the entry4s, each after its TRUE, without the closing FALSE. */
export interface EncodedReaddirResok {
  cookieverf: Buffer;
  list: Buffer;
  eof: boolean;
}

export interface ServerReaddirRes {
  status: number;
  resok?: EncodedReaddirResok | ReaddirResok;
}

/** The shared READDIR codec, writing an already encoded entry list as it is. */
export const serverReaddirOp: OpCodec<ReaddirArgs, ServerReaddirRes> = {
  ...(readdirOp as unknown as OpCodec<ReaddirArgs, ServerReaddirRes>),
  encodeRes(w, r) {
    const ok = r.resok;
    if (r.status !== NFS4_OK || ok === undefined || !('list' in ok)) {
      readdirOp.encodeRes(w, r as ReaddirRes);
      return;
    }
    w.uint32(NFS4_OK);
    encodeVerifier4(w, ok.cookieverf);
    w.raw(ok.list);
    w.bool(false).bool(ok.eof);
  },
};

/** Bytes of a fattr4 with this attrmask and `valsLen` bytes of attr_vals. */
export function fattrSize(attrmask: readonly number[], valsLen: number): number {
  const words = attrmask.length === 0 ? 0 : (attrmask[attrmask.length - 1] >>> 5) + 1;
  return 4 + 4 * words + 4 + pad4(valsLen);
}

/** Bytes of a component4 (RFC 8881 §3.2) of `nameBytes` UTF-8 bytes: length, name, padding. */
export function componentSize(nameBytes: number): number {
  return 4 + pad4(nameBytes);
}

/** Bytes an entry adds to the list, its TRUE included. */
export function entrySize(nameBytes: number, attrmask: readonly number[], valsLen: number): number {
  return 4 + 8 + componentSize(nameBytes) + fattrSize(attrmask, valsLen);
}

/**
 * Collects entries whose attr_vals lie in one buffer (`vals`, known only at
 * the end) as spans, then writes the list.
 */
export class DirlistBuilder {
  private readonly cookies: number[] = [];
  private readonly names: string[] = [];
  private readonly nameBytes: number[] = [];
  private readonly masks: Array<readonly number[]> = [];
  private readonly from: number[] = [];
  private readonly to: number[] = [];
  private bytes = 0;

  get count(): number {
    return this.names.length;
  }

  /**
   * An entry whose attr_vals are bytes from..to of the final `vals`; `size`
   * is entrySize(...). The limits the shared writer enforces hold here too.
   */
  add(cookie: number, name: string, nameBytes: number, attrmask: readonly number[], from: number, to: number, size: number): void {
    if (nameBytes > MAX_COMPONENT) throw new XdrError('IMAFS_XDR_TOO_LONG', `component4: ${nameBytes} bytes exceed maximum ${MAX_COMPONENT}`, 0);
    if (to - from > MAX_ATTRLIST) throw new XdrError('IMAFS_XDR_TOO_LONG', `attrlist4: ${to - from} bytes exceed maximum ${MAX_ATTRLIST}`, 0);
    if (attrmask.length > 0 && attrmask[attrmask.length - 1] >= MAX_BITMAP_WORDS * 32) throw new XdrError('IMAFS_XDR_BAD_VALUE', `bitmap4: bit ${attrmask[attrmask.length - 1]} too high`, 0);
    if (!Number.isSafeInteger(cookie) || cookie < 0) throw new XdrError('IMAFS_XDR_BAD_VALUE', `cookie ${cookie}`, 0);
    this.cookies.push(cookie);
    this.names.push(name);
    this.nameBytes.push(nameBytes);
    this.masks.push(attrmask);
    this.from.push(from);
    this.to.push(to);
    this.bytes += size;
  }

  /** The encoded entries (each after its TRUE). */
  finish(vals: Buffer): Buffer {
    const out = Buffer.allocUnsafe(this.bytes);
    let at = 0;
    for (let i = 0; i < this.names.length; i++) {
      at = out.writeUInt32BE(1, at);
      const c = this.cookies[i];
      at = out.writeUInt32BE(Math.floor(c / 0x1_0000_0000), at);
      at = out.writeUInt32BE(c >>> 0, at);
      const n = this.nameBytes[i];
      at = out.writeUInt32BE(n, at);
      out.write(this.names[i], at, n, 'utf8');
      at = zero(out, at + n, pad4(n) - n);
      const mask = this.masks[i];
      const words = mask.length === 0 ? 0 : (mask[mask.length - 1] >>> 5) + 1;
      at = out.writeUInt32BE(words, at);
      const w0 = at;
      at = zero(out, at, 4 * words);
      for (let k = 0; k < mask.length; k++) {
        const b = mask[k];
        const o = w0 + 4 * (b >>> 5);
        out.writeUInt32BE((out.readUInt32BE(o) | (1 << (b & 31))) >>> 0, o);
      }
      const len = this.to[i] - this.from[i];
      at = out.writeUInt32BE(len, at);
      at += vals.copy(out, at, this.from[i], this.to[i]);
      at = zero(out, at, pad4(len) - len);
    }
    if (at !== this.bytes) throw new Error(`READDIR list: wrote ${at} bytes of ${this.bytes}`);
    return out;
  }
}

function zero(b: Buffer, at: number, n: number): number {
  for (let k = 0; k < n; k++) b[at + k] = 0;
  return at + n;
}
