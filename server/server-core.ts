/**
 * Everything one running `imafs serve` shares across connections: the export,
 * client/session/open state, the IMA update policy, the optional appraisal
 * gate, the attribute settings and the logger. Op handlers reach it through
 * their OpContext.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { makeAttrConfig, encodeFattr, type AttrConfig, type RawFattr } from '../client/nfs4/fattr.js';
import { FATTR4 } from '../client/nfs4/constants.js';
import { needsStatfs, nodeFattr, type AttrSettings } from './attrs/node-attrs.js';
import type { AppraisalGate } from './appraisal-gate.js';
import type { OpContext } from './compound/op-context.js';
import { DirListings } from './fs/dir-listing.js';
import type { ExportFs, FsNode } from './fs/export-fs.js';
import { readIma } from './fs/ima-xattr.js';
import { OpenFiles } from './fs/open-files.js';
import type { ImaUpdatePolicy } from './ima-update-policy.js';
import { ClientTable, type ClientEvent } from './state/client-table.js';
import { OpenOwners } from './state/open-owners.js';
import { SessionTable, type ChannelLimits } from './state/session-table.js';
import { StateidTable } from './state/stateid-table.js';

export interface CoreSettings {
  imaAttr: number;
  integrityStatus: number;
  leaseSeconds: number;
  persistentHandles: boolean;
  updates: ImaUpdatePolicy;
  channel: ChannelLimits;
  log: (line: string) => void;
}

export interface RefusalEvent {
  peer: string;
  op: string;
  path: string;
  status: number;
  reason: string;
}

export class ServerCore extends EventEmitter {
  readonly attrConfig: AttrConfig;
  readonly attrSettings: AttrSettings;
  readonly files: OpenFiles;
  readonly dirs = new DirListings();
  readonly clients: ClientTable;
  readonly sessions = new SessionTable();
  readonly stateids = new StateidTable();
  readonly owners = new OpenOwners();
  /** EXCHANGE_ID server_owner / server_scope, and the 4.0 SETCLIENTID boot verifier. */
  readonly ownerMajor = Buffer.from(`imafs:${os.hostname()}`);
  readonly bootVerifier = randomBytes(8);
  gate: AppraisalGate | undefined;

  constructor(readonly fs: ExportFs, readonly settings: CoreSettings) {
    super();
    this.attrConfig = makeAttrConfig(settings.imaAttr);
    this.attrSettings = { imaAttr: settings.imaAttr, leaseSeconds: settings.leaseSeconds, persistentHandles: settings.persistentHandles };
    this.files = new OpenFiles(fs);
    this.clients = new ClientTable(settings.leaseSeconds * 1000, (e) => this.onClientDrop(e));
  }

  get imaAttr(): number {
    return this.settings.imaAttr;
  }

  log(line: string): void {
    this.settings.log(line);
  }

  private onClientDrop(e: ClientEvent): void {
    this.sessions.destroyAllOf(e.client);
    const opens = this.stateids.closeAllOf(e.client.clientid);
    this.owners.forgetClient(e.client.clientid);
    if (e.kind === 'expired') this.log(`client ${e.client.addr} clientid ${e.client.clientid.toString(16)}: lease expired (${opens} open files released)`);
    this.emit('client-drop', e);
  }

  /** A refused request: one log line, and an event for tests. */
  refuse(ctx: OpContext, op: string, n: FsNode | undefined, status: number, reason: string): void {
    const path = n ? `/${n.rel}` : '-';
    this.log(`refused ${op} ${path} for ${ctx.who()}: ${reason}`);
    const ev: RefusalEvent = { peer: ctx.who(), op, path, status, reason };
    this.emit('refused', ev);
  }

  /**
   * Draft §4.2.1: a client that asked about FATTR4_IMA (its number in a request,
   * or supported_attrs over 4.2) has shown it knows the extension.
   */
  noteAttrInterest(ctx: OpContext, bits: readonly number[]): void {
    if (ctx.minor < 2 || !ctx.client || ctx.client.participating) return;
    if (bits.includes(this.imaAttr) || bits.includes(FATTR4.SUPPORTED_ATTRS)) ctx.client.participating = true;
  }

  /** fattr4 of `n` for the bits asked (unknown or unsupported bits are left out). */
  async fattrOf(ctx: OpContext, n: FsNode, want: readonly number[], rdattrError?: number): Promise<RawFattr> {
    const ima = want.includes(this.imaAttr) && ctx.minor >= 2 ? await readIma(this.files, n) : undefined;
    const statfs = needsStatfs(want) ? await this.fs.statfs() : undefined;
    const f = nodeFattr({ node: n, minor: ctx.minor, settings: this.attrSettings, statfs, ima, rdattrError, want });
    return encodeFattr(f, this.attrConfig, want);
  }

  async close(): Promise<void> {
    await this.files.closeAll();
  }
}
