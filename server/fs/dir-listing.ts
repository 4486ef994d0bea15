/**
 * Directory listings for READDIR with stable cookies (RFC 8881 §18.23).
 *
 * A listing is the directory's names sorted bytewise, snapshotted per
 * (inode, mtime, ctime); a cookie is an index into it plus 3 (0 means "from
 * the start" and 1, 2 are reserved, RFC 8881 §18.23.3). The cookie verifier
 * is derived from the same triple, so a client resuming a listing of a
 * directory that changed gets NFS4ERR_NOT_SAME instead of skipped or repeated
 * entries.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { fsErrorFrom } from './fs-error.js';
import type { FsNode } from './export-fs.js';

export const FIRST_COOKIE = 3n;
const CACHE = 64;

export interface Listing {
  /** verifier4, 8 bytes, never all zero. */
  readonly verf: Buffer;
  readonly names: readonly string[];
  /**
   * Per name, whether the directory entry said "regular file" (d_type) when
   * listed: a hint only (the entry may have changed since), used to open such
   * entries directly instead of lstat'ing them first.
   */
  readonly regular: readonly boolean[];
}

function isUtf8RoundTrip(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

export class DirListings {
  private readonly cache = new Map<string, Listing>();

  /** The listing of `dir`, without a promise when it is cached (every READDIR round after the first). */
  list(dir: FsNode): Listing | Promise<Listing> {
    const k = `${dir.key}:${dir.st.mtimeNs}:${dir.st.ctimeNs}`;
    const hit = this.cache.get(k);
    if (hit) {
      this.cache.delete(k);
      this.cache.set(k, hit);
      return hit;
    }
    return this.read(dir, k);
  }

  private async read(dir: FsNode, k: string): Promise<Listing> {
    let raw: Array<{ name: Buffer; regular: boolean }>;
    try {
      const ents = await fsp.readdir(dir.abs, { encoding: 'buffer', withFileTypes: true });
      raw = ents.map((e) => ({ name: e.name as unknown as Buffer, regular: e.isFile() }));
    } catch (err) {
      throw fsErrorFrom(err, dir.rel || '/');
    }
    // component4 is UTF-8 (RFC 8881 §14.4); a name that is not cannot be
    // looked up again by a client, so it is not listed.
    const kept = raw.filter((e) => isUtf8RoundTrip(e.name)).sort((a, b) => Buffer.compare(a.name, b.name));
    const names = kept.map((e) => e.name.toString('utf8'));
    const verf = createHash('sha256').update(k).digest().subarray(0, 8);
    if (verf.every((b) => b === 0)) verf[7] = 1;
    const listing: Listing = { verf: Buffer.from(verf), names, regular: kept.map((e) => e.regular) };
    this.cache.set(k, listing);
    if (this.cache.size > CACHE) this.cache.delete(this.cache.keys().next().value!);
    return listing;
  }
}
