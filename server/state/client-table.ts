/**
 * NFSv4 client records and leases: SETCLIENTID / SETCLIENTID_CONFIRM / RENEW
 * for 4.0 (RFC 7530 §16.33-16.34), EXCHANGE_ID / CREATE_SESSION confirmation /
 * DESTROY_CLIENTID for 4.1+ (RFC 8881 §18.35, §18.36, §18.50).
 *
 * A record is unconfirmed until SETCLIENTID_CONFIRM or its first
 * CREATE_SESSION; confirming one drops any older record of the same
 * co_ownerid (the client rebooted), with all its state. A lease not renewed
 * for `leaseSeconds` expires the record.
 */
import { randomBytes } from 'node:crypto';

export interface ClientRecord {
  readonly clientid: bigint;
  readonly ownerid: Buffer;
  readonly verifier: Buffer;
  readonly minor: number;
  confirmed: boolean;
  /** 4.0: the setclientid_confirm verifier. */
  readonly confirmVerf: Buffer;
  /** 4.1: the next csa_sequence expected by CREATE_SESSION, and the cached reply of the previous one. */
  csSeq: number;
  csReply: unknown;
  /** RECLAIM_COMPLETE seen (RFC 8881 §18.51: a second one is NFS4ERR_COMPLETE_ALREADY). */
  reclaimDone: boolean;
  renewedAt: number;
  /** Draft §4.2.1: this client asked about FATTR4_IMA, so it may see NFS4ERR_INTEGRITY. */
  participating: boolean;
  /** Who created it (AUTH_SYS uid or 'none'): EXCHANGE_ID from another principal may not take it over. */
  readonly principal: string;
  readonly sessions: Set<string>;
  /** Peer address when created, for logs. */
  readonly addr: string;
}

export type ClientEvent = { kind: 'expired' | 'destroyed' | 'replaced'; client: ClientRecord };

export class ClientTable {
  private readonly byId = new Map<bigint, ClientRecord>();
  /** Server incarnation in the top 32 bits: clientids of an earlier run are STALE_CLIENTID. */
  private readonly boot = BigInt(Math.floor(Date.now() / 1000) >>> 0) << 32n;
  private next = 1n;

  constructor(
    readonly leaseMs: number,
    private readonly onDrop: (e: ClientEvent) => void,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  get(clientid: bigint): ClientRecord | undefined {
    return this.byId.get(clientid);
  }

  isOurs(clientid: bigint): boolean {
    return (clientid & 0xffffffff00000000n) === this.boot;
  }

  /** Records with this co_ownerid, confirmed first. */
  byOwner(ownerid: Buffer): ClientRecord[] {
    const out = [...this.byId.values()].filter((c) => c.ownerid.equals(ownerid));
    return out.sort((a, b) => Number(b.confirmed) - Number(a.confirmed));
  }

  create(o: { ownerid: Buffer; verifier: Buffer; minor: number; principal: string; addr: string }): ClientRecord {
    const rec: ClientRecord = {
      clientid: this.boot | this.next++,
      ownerid: Buffer.from(o.ownerid),
      verifier: Buffer.from(o.verifier),
      minor: o.minor,
      confirmed: false,
      confirmVerf: randomBytes(8),
      csSeq: 1,
      csReply: undefined,
      reclaimDone: false,
      renewedAt: Date.now(),
      participating: false,
      principal: o.principal,
      sessions: new Set(),
      addr: o.addr,
    };
    this.byId.set(rec.clientid, rec);
    return rec;
  }

  /** Confirms `rec` and drops every other record of the same owner (an old incarnation). */
  confirm(rec: ClientRecord): void {
    rec.confirmed = true;
    rec.renewedAt = Date.now();
    for (const other of this.byOwner(rec.ownerid)) {
      if (other !== rec) this.drop(other, 'replaced');
    }
  }

  renew(rec: ClientRecord): void {
    rec.renewedAt = Date.now();
  }

  drop(rec: ClientRecord, kind: ClientEvent['kind']): void {
    if (this.byId.get(rec.clientid) !== rec) return;
    this.byId.delete(rec.clientid);
    this.onDrop({ kind, client: rec });
  }

  /** Expires records whose lease ran out (RFC 8881 §8.3); called periodically. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const rec of [...this.byId.values()]) {
      // Unconfirmed records get one lease too, then vanish.
      if (now - rec.renewedAt > this.leaseMs) {
        this.drop(rec, 'expired');
        n++;
      }
    }
    return n;
  }

  all(): ClientRecord[] {
    return [...this.byId.values()];
  }
}
