/**
 * Open state (RFC 8881 §8.2, §9): one open stateid per (open-owner, file),
 * read share only. `other` is 4 bytes of server incarnation and 8 of counter,
 * so a stateid from an earlier run is recognisably STALE_STATEID (4.0) /
 * BAD_STATEID (4.1).
 */
import { randomBytes } from 'node:crypto';
import type { Stateid4 } from '../../client/nfs4/types.js';

export interface OpenState {
  readonly other: Buffer;
  readonly key: string;
  seqid: number;
  readonly clientid: bigint;
  /** The file's inode key. */
  readonly file: string;
  /** `${clientid}:${hex(owner)}`, and the owner bytes themselves. */
  readonly owner: string;
  readonly ownerBytes: Buffer;
  shareAccess: number;
  /** 4.0: OPEN_CONFIRM received (we never ask for it, but honour it). */
  confirmed: boolean;
}

export type StateidCheck =
  | { ok: true; state: OpenState | undefined }
  | { ok: false; why: 'bad' | 'old' | 'stale' | 'wrong-file' };

export const ANON = (s: Stateid4): boolean => s.seqid === 0 && s.other.every((b) => b === 0);
export const BYPASS = (s: Stateid4): boolean => s.seqid === 0xffffffff && s.other.every((b) => b === 0xff);

export class StateidTable {
  private readonly byOther = new Map<string, OpenState>();
  private readonly byOwnerFile = new Map<string, OpenState>();
  private readonly boot = randomBytes(4);
  private next = 1n;

  get size(): number {
    return this.byOther.size;
  }

  /** OPEN: a new stateid, or the existing one of this owner for this file with seqid + 1. */
  open(clientid: bigint, owner: Buffer, file: string, shareAccess: number): OpenState {
    const ownerKey = `${clientid}:${owner.toString('hex')}`;
    const k = `${ownerKey}|${file}`;
    const have = this.byOwnerFile.get(k);
    if (have) {
      have.seqid = (have.seqid % 0xffffffff) + 1;
      have.shareAccess |= shareAccess;
      return have;
    }
    const other = Buffer.alloc(12);
    this.boot.copy(other, 0);
    other.writeBigUInt64BE(this.next++, 4);
    const st: OpenState = { other, key: other.toString('hex'), seqid: 1, clientid, file, owner: ownerKey, ownerBytes: Buffer.from(owner), shareAccess, confirmed: false };
    this.byOther.set(st.key, st);
    this.byOwnerFile.set(k, st);
    return st;
  }

  close(st: OpenState): void {
    this.byOther.delete(st.key);
    this.byOwnerFile.delete(`${st.owner}|${st.file}`);
  }

  closeAllOf(clientid: bigint): number {
    let n = 0;
    for (const st of [...this.byOther.values()]) {
      if (st.clientid === clientid) {
        this.close(st);
        n++;
      }
    }
    return n;
  }

  /**
   * Validates a stateid presented by READ/CLOSE/... (RFC 8881 §8.2.4):
   * special stateids pass when `allowSpecial`; seqid 0 means "the current one"
   * in 4.1; a higher seqid than the current is BAD, a lower one OLD.
   */
  check(s: Stateid4, file: string | undefined, opts: { allowSpecial: boolean; minor: number }): StateidCheck {
    if (ANON(s) || BYPASS(s)) return opts.allowSpecial ? { ok: true, state: undefined } : { ok: false, why: 'bad' };
    const st = this.byOther.get(s.other.toString('hex'));
    if (!st) return { ok: false, why: s.other.subarray(0, 4).equals(this.boot) ? 'bad' : 'stale' };
    if (file !== undefined && st.file !== file) return { ok: false, why: 'wrong-file' };
    if (s.seqid === 0 && opts.minor >= 1) return { ok: true, state: st };
    if (s.seqid > st.seqid) return { ok: false, why: 'bad' };
    if (s.seqid < st.seqid) return { ok: false, why: 'old' };
    return { ok: true, state: st };
  }

  get(other: Buffer): OpenState | undefined {
    return this.byOther.get(other.toString('hex'));
  }
}
