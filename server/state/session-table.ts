/**
 * NFSv4.1 sessions and their fore-channel slot tables (RFC 8881 §2.10.6).
 *
 * Each slot remembers the last sequenceid it executed and, when the reply was
 * cached, the encoded COMPOUND4res: a retransmission (same slot, same
 * seqid) gets exactly that reply again without re-executing anything
 * (exactly-once semantics, §2.10.6.1.3). A reply that was not cached answers
 * a retry with NFS4ERR_RETRY_UNCACHED_REP.
 */
import { randomBytes } from 'node:crypto';
import type { ChannelAttrs4 } from '../../client/nfs4/types.js';
import type { ClientRecord } from './client-table.js';

export interface Slot {
  /** Last sequenceid seen on the slot (0 before the first request: the first valid one is 1). */
  seqid: number;
  busy: boolean;
  /** The cached COMPOUND4res of `seqid`, or undefined when it was not cached. */
  reply: Buffer | undefined;
}

export interface Session {
  readonly id: Buffer;
  readonly key: string;
  readonly client: ClientRecord;
  readonly fore: ChannelAttrs4;
  readonly back: ChannelAttrs4;
  readonly flags: number;
  readonly slots: Slot[];
}

/** Fore-channel limits the server offers; the client's requests are clamped to these. */
export interface ChannelLimits {
  maxRequestSize: number;
  maxResponseSize: number;
  maxResponseSizeCached: number;
  maxOperations: number;
  maxRequests: number;
}

export function negotiate(asked: ChannelAttrs4, lim: ChannelLimits): ChannelAttrs4 {
  const min = (a: number, b: number): number => Math.max(1, Math.min(a, b));
  return {
    headerPadSize: 0,
    maxRequestSize: min(asked.maxRequestSize, lim.maxRequestSize),
    maxResponseSize: min(asked.maxResponseSize, lim.maxResponseSize),
    maxResponseSizeCached: Math.min(asked.maxResponseSizeCached, lim.maxResponseSizeCached),
    maxOperations: min(asked.maxOperations, lim.maxOperations),
    maxRequests: min(asked.maxRequests, lim.maxRequests),
  };
}

export class SessionTable {
  private readonly byKey = new Map<string, Session>();

  get size(): number {
    return this.byKey.size;
  }

  create(client: ClientRecord, fore: ChannelAttrs4, back: ChannelAttrs4, flags: number): Session {
    // sessionid4: the clientid then 8 random bytes, so ids never repeat across runs.
    const id = Buffer.alloc(16);
    id.writeBigUInt64BE(client.clientid, 0);
    randomBytes(8).copy(id, 8);
    const slots: Slot[] = Array.from({ length: fore.maxRequests }, () => ({ seqid: 0, busy: false, reply: undefined }));
    const s: Session = { id, key: id.toString('hex'), client, fore, back, flags, slots };
    this.byKey.set(s.key, s);
    client.sessions.add(s.key);
    return s;
  }

  get(id: Uint8Array): Session | undefined {
    // Every SEQUENCE looks its session up: no copy of a Buffer's bytes for that.
    return this.byKey.get((Buffer.isBuffer(id) ? id : Buffer.from(id)).toString('hex'));
  }

  destroy(s: Session): void {
    this.byKey.delete(s.key);
    s.client.sessions.delete(s.key);
  }

  destroyAllOf(client: ClientRecord): void {
    for (const k of [...client.sessions]) {
      const s = this.byKey.get(k);
      if (s) this.destroy(s);
    }
  }
}
