/**
 * The state one COMPOUND carries from op to op (RFC 8881 §16.2.3): current
 * and saved filehandles, current stateid (4.1 §16.2.3.1.2), the session and
 * slot SEQUENCE established, the caller's credentials and address, and how
 * many reply bytes the session still allows.
 */
import type { Stateid4 } from '../../client/nfs4/types.js';
import { NFS4ERR } from '../../client/nfs4/status.js';
import type { PeerInfo } from '../connection.js';
import { NfsStatus } from '../errors.js';
import type { FsNode } from '../fs/export-fs.js';
import type { ServerCore } from '../server-core.js';
import type { ClientRecord } from '../state/client-table.js';
import type { Session, Slot } from '../state/session-table.js';

export interface Credentials {
  flavor: number;
  /** AUTH_SYS ids; undefined for AUTH_NONE. */
  uid: number | undefined;
  gid: number | undefined;
  gids: readonly number[];
  machinename: string;
}

export class OpContext {
  cfh: FsNode | undefined;
  sfh: FsNode | undefined;
  currentStateid: Stateid4 | undefined;
  savedStateid: Stateid4 | undefined;
  session: Session | undefined;
  slot: Slot | undefined;
  /** sa_cachethis of the SEQUENCE. */
  cacheThis = false;
  /** The 4.1 client of the session, or the 4.0 client an op named. */
  client: ClientRecord | undefined;
  /** Set by SEQUENCE when the request is a retransmission: the cached COMPOUND4res. */
  replay: Buffer | undefined;
  /** Bytes the reply may still grow by (ca_maxresponsesize, or the connection's bound). */
  budget: number;
  /** Run once the reply has left (or will never leave): returns READ buffers to their pool. */
  readonly afterReply: Array<() => void> = [];
  /** Number of ops in the COMPOUND (for ca_maxoperations). */
  opCount = 0;
  /** Reply bytes outside the op results (RPC header, status, tag, array count). */
  overhead = 0;

  constructor(
    readonly core: ServerCore,
    readonly peer: PeerInfo,
    readonly cred: Credentials,
    readonly minor: number,
    readonly requestSize: number,
    budget: number,
  ) {
    this.budget = budget;
  }

  /** The current filehandle, or NFS4ERR_NOFILEHANDLE (RFC 8881 §15.1.2.8). */
  fh(): FsNode {
    if (!this.cfh) throw new NfsStatus(NFS4ERR.NOFILEHANDLE, 'no current filehandle');
    return this.cfh;
  }

  setFh(n: FsNode): void {
    this.cfh = n;
    // RFC 8881 §16.2.3.1.2: changing the current filehandle resets the current stateid.
    this.currentStateid = undefined;
  }

  /** Whether this client may see NFS4ERR_INTEGRITY (draft §4.2.1, §5.3). */
  get participating(): boolean {
    return this.minor >= 2 && this.client?.participating === true;
  }

  /** Where refusals are logged from. */
  who(): string {
    const id = this.cred.uid === undefined ? 'AUTH_NONE' : `uid=${this.cred.uid}`;
    return `${this.peer.addr}:${this.peer.port} ${id}`;
  }
}
