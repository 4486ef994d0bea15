/**
 * NFSv4 file handles for the export (RFC 8881 §4.2: `opaque nfs_fh4<NFS4_FHSIZE>`,
 * NFS4_FHSIZE = 128). A handle names one inode and carries a MAC so a client
 * cannot forge one for an inode it was never given (e.g. /etc/shadow's).
 *
 *   byte 0      version (1)
 *   bytes 1..3  zero
 *   bytes 4..11  st_dev    (uint64 BE)
 *   bytes 12..19 st_ino    (uint64 BE)
 *   bytes 20..27 birth time in ns (uint64 BE): a generation number, so a
 *                reused inode number does not revive an old handle
 *   bytes 28..43 HMAC-SHA256(key, bytes 0..27), first 16 bytes
 *
 * The key is random per server run unless a key file is given (then handles
 * stay valid across restarts, RFC 8881 §4.2.3 persistent handles).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HmacSha256 } from './hmac-sha256.js';
import { TwoGenCache } from './two-gen-cache.js';

export const FH_VERSION = 1;
export const FH_SIZE = 44;
const BODY = 28;
const MAC = 16;

export interface InodeId {
  dev: bigint;
  ino: bigint;
  gen: bigint;
}

/** A handle this codec MACed or verified, with what it names. Shared, never to be modified. */
export interface KnownHandle {
  readonly id: InodeId;
  /** inodeKey(id). */
  readonly key: string;
  /** The handle's 44 bytes. */
  readonly fh: Buffer;
}

/**
 * Recently verified handles: a READ stream presents the same handle hundreds
 * of times, and an audit presents each handle READDIR just gave it once.
 * Sized, like ENCODED_CACHE, for an audit of a tree of tens of thousands of
 * files to find every handle of the previous run (about 150 bytes each).
 */
const VERIFIED_CACHE = 65_536;
/**
 * Recently encoded handles, by inode key: a client walking the same paths
 * (LOOKUP + GETFH per component) or listing the same directories would
 * otherwise pay one HMAC (~2 us) per handle per call. A hit is a handle this
 * codec MACed itself, so the cache cannot admit a forged one.
 */
const ENCODED_CACHE = 65_536;

export class FileHandleCodec {
  private readonly hmac: HmacSha256;
  private readonly verified = new TwoGenCache<string, KnownHandle>(VERIFIED_CACHE / 2);
  private readonly encoded = new TwoGenCache<string, KnownHandle>(ENCODED_CACHE / 2);

  constructor(key: Buffer = randomBytes(32)) {
    if (key.length < 16) throw new RangeError('file handle key must be at least 16 bytes');
    this.hmac = new HmacSha256(key);
  }

  private mac(body: Buffer): Buffer {
    return this.hmac.mac(body).subarray(0, MAC);
  }

  /** The handle of `id` (`key`: inodeKey(id) when the caller has it); callers must not modify it (it may be shared). */
  encode(id: InodeId, key = inodeKey(id)): Buffer {
    const hit = this.encoded.get(key);
    if (hit !== undefined && hit.id.gen === id.gen) return hit.fh;
    const fh = this.encodeUncached(id);
    // A handle handed out (GETFH, READDIR's filehandle) usually comes back in a
    // PUTFH soon: it is ours, so it counts as verified without a second MAC.
    // Stored as decode() would read it back from the bytes.
    const asRead = id.dev >= 0n && id.ino >= 0n && id.gen >= 0n ? id : { dev: BigInt.asUintN(64, id.dev), ino: BigInt.asUintN(64, id.ino), gen: BigInt.asUintN(64, id.gen) };
    const known: KnownHandle = { id: asRead, key: asRead === id ? key : inodeKey(asRead), fh };
    this.encoded.set(key, known);
    this.verified.set(fh.toString('latin1'), known);
    return fh;
  }

  private encodeUncached(id: InodeId): Buffer {
    // allocUnsafe takes a slice of Node's shared pool (alloc would malloc 44 bytes); every byte is written below.
    const fh = Buffer.allocUnsafe(FH_SIZE);
    fh.writeUInt32BE(FH_VERSION << 24, 0);
    fh.writeBigUInt64BE(BigInt.asUintN(64, id.dev), 4);
    fh.writeBigUInt64BE(BigInt.asUintN(64, id.ino), 12);
    fh.writeBigUInt64BE(BigInt.asUintN(64, id.gen), 20);
    this.mac(fh.subarray(0, BODY)).copy(fh, BODY);
    return fh;
  }

  /** The inode a handle names, or undefined when it is not one of ours (NFS4ERR_BADHANDLE). */
  decode(fh: Uint8Array): InodeId | undefined {
    return this.check(fh)?.id;
  }

  /**
   * decode, with the inode key and the handle's bytes in a buffer of the
   * codec's own (the presented bytes usually point into a wire buffer that is
   * reused).
   */
  check(fh: Uint8Array): KnownHandle | undefined {
    if (fh.length !== FH_SIZE || fh[0] !== FH_VERSION || fh[1] !== 0 || fh[2] !== 0 || fh[3] !== 0) return undefined;
    const buf = Buffer.from(fh.buffer, fh.byteOffset, fh.byteLength);
    // Only handles whose MAC verified are remembered, keyed by all 44 bytes.
    const k = buf.toString('latin1');
    const hit = this.verified.get(k);
    if (hit) return hit;
    const want = this.mac(buf.subarray(0, BODY));
    if (!timingSafeEqual(want, buf.subarray(BODY, FH_SIZE))) return undefined;
    const id = { dev: buf.readBigUInt64BE(4), ino: buf.readBigUInt64BE(12), gen: buf.readBigUInt64BE(20) };
    const known: KnownHandle = { id, key: inodeKey(id), fh: Buffer.from(buf) };
    this.verified.set(k, known);
    return known;
  }
}

/** "dev:ino" in decimal. */
export function inodeKey(id: { dev: bigint; ino: bigint }): string {
  // Number-to-string is several times cheaper than BigInt-to-string (one key per
  // READDIR entry and per PUTFH); the digits are the same below 2^53.
  const { dev, ino } = id;
  if (dev >= 0n && ino >= 0n && dev <= SAFE && ino <= SAFE) return `${Number(dev)}:${Number(ino)}`;
  return `${dev}:${ino}`;
}
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
