/**
 * NFSv4.0 open-owner sequencing (RFC 7530 §9.1.7): each open-owner's
 * seqid-bearing requests (OPEN, OPEN_CONFIRM, CLOSE) must carry the last
 * seqid + 1. A retransmission of the last request (same seqid) is
 * re-executed, which is safe here because every open is a read open and
 * re-opening or re-closing changes nothing a client can observe beyond the
 * stateid seqid. Sessions (4.1+) replace this with the slot table.
 */
export class OpenOwners {
  private readonly last = new Map<string, number>();

  /** 'ok' (new request), 'replay' (same seqid again) or 'bad' (NFS4ERR_BAD_SEQID). */
  check(clientid: bigint, owner: Buffer, seqid: number): 'ok' | 'replay' | 'bad' {
    const k = `${clientid}:${owner.toString('hex')}`;
    const prev = this.last.get(k);
    if (prev === undefined) return 'ok';
    if (seqid === prev) return 'replay';
    return seqid === ((prev + 1) >>> 0) ? 'ok' : 'bad';
  }

  /** Records the seqid of a request that reached the server's state (RFC 7530 §9.1.7: also on most errors). */
  advance(clientid: bigint, owner: Buffer, seqid: number): void {
    this.last.set(`${clientid}:${owner.toString('hex')}`, seqid);
  }

  forgetClient(clientid: bigint): void {
    const p = `${clientid}:`;
    for (const k of [...this.last.keys()]) if (k.startsWith(p)) this.last.delete(k);
  }
}
