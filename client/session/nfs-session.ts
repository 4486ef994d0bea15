import { debuglog } from 'node:util';
import { ImafsClientError, NfsError, RpcError } from '../errors.js';
import { NFS4ERR, NFS4_OK, statusName } from '../nfs4/status.js';
import { sequenceOp } from '../nfs4/ops/sequence.js';
import type { RpcClient } from '../rpc/rpc-client.js';
import { isConnectionError } from '../rpc/transport.js';
import { Backoff } from './backoff.js';
import { callCompound, op, type CompoundResult, type OpCall } from './compound-call.js';
import { createSession, destroyClientId, destroySession, exchangeId, reclaimComplete, type ClientIdentity, type SessionGrant } from './establish.js';
import { LeaseRenewer } from './lease-renewer.js';
import { SlotTable, type Slot } from './slot-table.js';

const debug = debuglog('imafs:client');

export interface NfsSessionOptions {
  rpc: RpcClient;
  /** Force a minor version; default: try 2, fall back to 1 on NFS4ERR_MINOR_VERS_MISMATCH. */
  minorVersion?: 1 | 2;
  /** Per-RPC timeout. */
  timeoutMs: number;
  /** How long DELAY/GRACE/reconnect retries may go on for one compound. */
  retryBudgetMs: number;
  /** NFS4ERR_INTEGRITY's number, for names in errors. */
  integrityStatus: number;
  identity: ClientIdentity;
}

/**
 * One NFSv4.1/4.2 client ID and its current session: the whole of the
 * session layer as one small context object (like undici's client-h1). The
 * API above it only calls `compound(ops)`; this class prepends SEQUENCE, holds
 * a slot for the request, and recovers per RFC 8881 §15 and §2.10.6:
 *
 *   DELAY, GRACE                       wait (backoff) and resend
 *   BADSESSION, DEADSESSION            new session on the same client ID, resend
 *   STALE_CLIENTID, EXPIRED            new client ID and session, resend; stateEpoch++
 *                                      so open files are re-opened by their owners
 *   SEQ_MISORDERED                     after a lost reply: seqid + 1 once; else new session
 *   SEQ_FALSE_RETRY, RETRY_UNCACHED_REP  seqid + 1, resend
 *   BADSLOT                            shrink the table below that slot, resend
 *   lost connection / timeout          reconnect, resend on the same slot and seqid
 */
export class NfsSession {
  private readonly o: NfsSessionOptions;
  private readonly slots = new SlotTable(1);
  private grant: SessionGrant | undefined;
  private clientIdValue: bigint | undefined;
  private seqForCreate = 0;
  private establishing: Promise<void> | undefined;
  private readonly renewer: LeaseRenewer;
  private closed = false;
  /** Bumped at every new session. */
  sessionGen = 0;
  /** Bumped when server state (opens) was lost: new client ID, or revoked state. */
  stateEpoch = 0;
  minorVersion: 1 | 2;
  leaseSeconds = 90;

  constructor(o: NfsSessionOptions) {
    this.o = o;
    this.minorVersion = o.minorVersion ?? 2;
    this.renewer = new LeaseRenewer(() => this.renew());
  }

  /** The current client ID (for open owners); undefined before open(). */
  get clientId(): bigint | undefined {
    return this.clientIdValue;
  }

  /** Fore-channel limits the server granted (bytes). */
  get maxResponseSize(): number {
    return this.grant?.foreChannel.maxResponseSize ?? 0;
  }

  get maxRequestSize(): number {
    return this.grant?.foreChannel.maxRequestSize ?? 0;
  }

  get maxOperations(): number {
    return this.grant?.foreChannel.maxOperations ?? 0;
  }

  /** Slots the server currently lets us use at once. */
  get slotCount(): number {
    return this.slots.targetHighestSlotId + 1;
  }

  /** EXCHANGE_ID + CREATE_SESSION (+ RECLAIM_COMPLETE); the first call fixes the minor version. */
  async open(): Promise<void> {
    await this.ensureSession(this.sessionGen, true);
  }

  /** Tells the renewer how long the lease is (from GETATTR lease_time). */
  setLease(seconds: number): void {
    if (seconds > 0) this.leaseSeconds = seconds;
    this.renewer.start(this.leaseSeconds);
  }

  private async ensureSession(seenGen: number, newClient: boolean): Promise<void> {
    if (this.closed) throw new RpcError('IMAFS_RPC_CLOSED', 'NFS session is closed');
    if (this.establishing) return await this.establishing;
    if (this.grant && this.sessionGen !== seenGen) return;
    this.establishing = this.establish(newClient).finally(() => { this.establishing = undefined; });
    return await this.establishing;
  }

  private async establish(newClient: boolean): Promise<void> {
    const rpc = this.o.rpc;
    if (newClient || this.clientIdValue === undefined) await this.newClientId();
    let grant: SessionGrant;
    try {
      grant = await createSession(rpc, this.minorVersion, this.clientIdValue!, this.seqForCreate, this.o.timeoutMs);
    } catch (e) {
      if (!(e instanceof NfsError) || (e.status !== NFS4ERR.STALE_CLIENTID && e.status !== NFS4ERR.EXPIRED)) throw e;
      // The server forgot our client ID (restart, or lease expired): start over.
      debug('CREATE_SESSION: %s, new client ID', e.statusName);
      await this.newClientId();
      grant = await createSession(rpc, this.minorVersion, this.clientIdValue!, this.seqForCreate, this.o.timeoutMs);
    }
    this.seqForCreate = (this.seqForCreate + 1) >>> 0;
    this.grant = grant;
    this.slots.reset(grant.foreChannel.maxRequests);
    this.sessionGen++;
    debug('session %s: %d slots, maxresponsesize %d', grant.sessionId.toString('hex'), grant.foreChannel.maxRequests, grant.foreChannel.maxResponseSize);
    if (this.pendingReclaim) {
      this.pendingReclaim = false;
      await this.sequenced([reclaimComplete()], { noRetrySession: true }).catch((e: unknown) => {
        if (!(e instanceof NfsError && e.status === NFS4ERR.COMPLETE_ALREADY)) throw e;
      });
    }
  }

  private pendingReclaim = false;

  private async newClientId(): Promise<void> {
    const res = await exchangeId(this.o.rpc, this.o.minorVersion, this.o.identity, this.o.timeoutMs, (m) => { this.minorVersion = m; });
    if (this.clientIdValue !== undefined) this.stateEpoch++;
    this.clientIdValue = res.clientId;
    this.seqForCreate = res.sequenceId;
    // RFC 8881 §18.51.3: a client with nothing to reclaim says so once per client ID.
    this.pendingReclaim = true;
    debug('client ID %s (NFSv4.%d)', res.clientId.toString(16), this.minorVersion);
  }

  /**
   * Sends SEQUENCE + ops, recovering as described above. Resolves with every
   * op's result (SEQUENCE's stripped) when the compound succeeded or failed in
   * one of `ops`; the caller decides what a failed op means. Throws NfsError
   * for a SEQUENCE failure it cannot recover from, RpcError when the server
   * stays unreachable past the retry budget.
   */
  compoundRaw(ops: OpCall[]): Promise<CompoundResult> {
    return this.sequenced(ops, {});
  }

  /** Like compoundRaw, but a failing op becomes NfsError(status, op name, path). */
  async compound(ops: OpCall[], path?: string): Promise<CompoundResult> {
    const res = await this.sequenced(ops, {});
    if (res.status !== NFS4_OK) throw this.errorFor(res, ops, path);
    return res;
  }

  errorFor(res: CompoundResult, ops: OpCall[], path?: string): NfsError {
    const i = Math.max(0, res.results.length - 1);
    const name = ops[i]?.codec.name ?? 'COMPOUND';
    return new NfsError(res.status, statusName(res.status, this.o.integrityStatus), name, path);
  }

  private async sequenced(ops: OpCall[], o: { noRetrySession?: boolean }): Promise<CompoundResult> {
    const backoff = new Backoff(100, 2000, this.o.retryBudgetMs);
    let misorderedRetried = false;
    for (;;) {
      // A live session needs no check (and no promise) per call.
      if (!o.noRetrySession && (this.grant === undefined || this.establishing !== undefined || this.closed)) {
        try {
          await this.ensureSession(-1, false);
        } catch (e) {
          // The server may be restarting: keep trying within the budget.
          if (isConnectionError(e) && this.sessionGen > 0 && (await backoff.wait())) continue;
          throw e;
        }
      }
      const grant = this.grant!;
      const gen = this.sessionGen;
      const slot = this.slots.tryAcquire() ?? (await this.slots.acquire());
      if (gen !== this.sessionGen) {
        this.slots.release(slot, false);
        continue;
      }
      let res: CompoundResult;
      try {
        const seq = op(sequenceOp, {
          sessionid: grant.sessionId, sequenceid: slot.seqid, slotid: slot.id,
          highestSlotid: Math.max(slot.id, this.slots.highestInUse()), cachethis: false,
        });
        res = await callCompound(this.o.rpc, this.minorVersion, [seq, ...ops], this.o.timeoutMs);
      } catch (e) {
        slot.inDoubt = true;
        this.slots.release(slot, false);
        if (!(e instanceof ImafsClientError)) throw e;
        if (e.code === 'IMAFS_RPC_TIMEOUT') this.o.rpc.reset('call timed out; RFC 8881 §2.9.2 retries go on a new connection');
        if ((isConnectionError(e) || e.code === 'IMAFS_RPC_TIMEOUT') && !this.closed && (await backoff.wait())) {
          debug('resending after %s', e.code);
          continue;
        }
        throw e;
      }
      this.renewer.touch();
      const seqRes = res.results[0] as { status: number; resok?: { highestSlotid: number; targetHighestSlotid: number; statusFlags: number } } | undefined;
      const seqStatus = seqRes?.status ?? res.status;
      if (seqStatus === NFS4_OK && seqRes?.resok) {
        this.slots.update(seqRes.resok.highestSlotid, seqRes.resok.targetHighestSlotid);
        this.slots.release(slot, true);
        this.noteStatusFlags(seqRes.resok.statusFlags);
        const out: CompoundResult = { status: res.status, results: res.results.slice(1) };
        if ((res.status === NFS4ERR.DELAY || res.status === NFS4ERR.GRACE) && (await backoff.wait())) continue;
        if (res.status === NFS4ERR.EXPIRED || res.status === NFS4ERR.STALE_CLIENTID) {
          await this.ensureSession(gen, true);
          if (await backoff.wait()) continue;
        }
        return out;
      }
      try {
        await this.recoverSequence(seqStatus, slot, gen, misorderedRetried, o.noRetrySession === true);
      } catch (e) {
        if (!(isConnectionError(e) && (await backoff.wait()))) throw e;
      }
      if (seqStatus === NFS4ERR.SEQ_MISORDERED) misorderedRetried = true;
      if (!(await backoff.wait())) throw this.seqError(seqStatus);
    }
  }

  private seqError(status: number): NfsError {
    return new NfsError(status, statusName(status, this.o.integrityStatus), 'SEQUENCE');
  }

  /** Applies RFC 8881 §15 / §2.10.6 to a failed SEQUENCE; returns to resend, throws to give up. */
  private async recoverSequence(status: number, slot: Slot, gen: number, misorderedRetried: boolean, noRetrySession: boolean): Promise<void> {
    debug('SEQUENCE on slot %d seqid %d: %s', slot.id, slot.seqid, statusName(status));
    switch (status) {
      case NFS4ERR.DELAY:
        this.slots.release(slot, false);
        return;
      case NFS4ERR.SEQ_FALSE_RETRY:
      case NFS4ERR.RETRY_UNCACHED_REP:
        // The server ran the lost request: that seqid is used up.
        this.slots.release(slot, true);
        return;
      case NFS4ERR.SEQ_MISORDERED:
        if (slot.inDoubt && !misorderedRetried) {
          this.slots.release(slot, true);
          return;
        }
        break;
      case NFS4ERR.BADSLOT:
        this.slots.release(slot, false);
        if (this.slots.shrinkBelow(slot.id)) return;
        break;
      case NFS4ERR.BADSESSION:
      case NFS4ERR.DEADSESSION:
      case NFS4ERR.CONN_NOT_BOUND_TO_SESSION:
        break;
      case NFS4ERR.STALE_CLIENTID:
      case NFS4ERR.EXPIRED:
        this.slots.release(slot, false);
        if (noRetrySession) throw this.seqError(status);
        await this.ensureSession(gen, true);
        return;
      default:
        this.slots.release(slot, false);
        throw this.seqError(status);
    }
    this.slots.release(slot, false);
    if (noRetrySession) throw this.seqError(status);
    // A new session on the same client ID (unless a concurrent request already
    // made one); establish() falls back to a new client ID when CREATE_SESSION
    // says the old one is gone.
    await this.ensureSession(gen, false);
  }

  private noteStatusFlags(flags: number): void {
    // SEQ4_STATUS_EXPIRED_ALL/SOME_STATE_REVOKED, ADMIN_STATE_REVOKED, RECALLABLE_STATE_REVOKED.
    if (flags & (0x8 | 0x10 | 0x20 | 0x40)) {
      debug('server revoked state (sr_status_flags 0x%s)', flags.toString(16));
      this.stateEpoch++;
    }
  }

  /** The renewer's SEQUENCE-only compound; failures are left for the next real call to recover. */
  private async renew(): Promise<void> {
    if (this.closed || !this.grant) return;
    try {
      await this.sequenced([], {});
      debug('lease renewed');
    } catch (e) {
      debug('lease renewal failed: %s', (e as Error).message);
    }
  }

  /** DESTROY_SESSION then DESTROY_CLIENTID (RFC 8881 §18.37, §18.50); best effort. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.renewer.stop();
    const grant = this.grant;
    const clientId = this.clientIdValue;
    this.closed = true;
    try {
      if (grant) await destroySession(this.o.rpc, this.minorVersion, grant.sessionId, this.o.timeoutMs);
      if (clientId !== undefined) await destroyClientId(this.o.rpc, this.minorVersion, clientId, this.o.timeoutMs);
    } catch (e) {
      debug('teardown: %s', (e as Error).message);
    }
  }
}
