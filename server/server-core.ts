/**
 * Everything one running `imafs serve` shares across connections: the export,
 * client/session/open state, the IMA update policy, the optional appraisal
 * gate, the attribute settings and the logger. Op handlers reach it through
 * their OpContext.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { BigIntStatsFs } from 'node:fs';
import os from 'node:os';
import { makeAttrConfig, type AttrConfig, type RawFattr } from '../client/nfs4/fattr.js';
import { FATTR4 } from '../client/nfs4/constants.js';
import { encodeNodeAttrVals, encodeNodeFattr, needsStatfs, type AttrSettings } from './attrs/node-attrs.js';
import type { XdrWriter } from '../client/xdr/xdr-writer.js';
import type { AppraisalGate } from './appraisal-gate.js';
import type { OpContext } from './compound/op-context.js';
import { DirListings } from './fs/dir-listing.js';
import type { ExportFs, FsNode } from './fs/export-fs.js';
import { readImaOpened, readImaSync } from './fs/ima-xattr.js';
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
    const statfs = needsStatfs(want) ? await this.fs.statfs() : undefined;
    return this.fattrNow(ctx, n, want, statfs, rdattrError);
  }

  /**
   * fattrOf without a promise: the caller fetched statfs when `want` needs it
   * (needsStatfs), once for a whole READDIR reply.
   */
  fattrNow(ctx: OpContext, n: FsNode, want: readonly number[], statfs: BigIntStatsFs | undefined, rdattrError?: number): RawFattr {
    const ima = want.includes(this.imaAttr) && ctx.minor >= 2 ? readImaSync(this.files, n) : undefined;
    return encodeNodeFattr({ node: n, minor: ctx.minor, settings: this.attrSettings, statfs, ima, rdattrError, want }, this.attrConfig, want);
  }

  /**
   * fattrNow's attr_vals appended to `w`; returns the attrmask. For READDIR:
   * a listing that asks for FATTR4_IMA is an audit about to read every file,
   * so small files' bytes are handed off to their READ (OpenFiles.handOff).
   * A GETATTR is not: the mount asks it before every exec of a binary whose
   * content it already holds.
   */
  fattrInto(w: XdrWriter, ctx: OpContext, n: FsNode, want: readonly number[], statfs: BigIntStatsFs | undefined): readonly number[] {
    const ima = want.includes(this.imaAttr) && ctx.minor >= 2 ? readImaSync(this.files, n, { handOff: true }) : undefined;
    return encodeNodeAttrVals(w, { node: n, minor: ctx.minor, settings: this.attrSettings, statfs, ima, want }, this.attrConfig, want);
  }

  /**
   * One READDIR entry's attr_vals appended to `w`; returns the attrmask.
   * When FATTR4_IMA is asked for and the entry was listed as a regular file,
   * it is opened (and verified) directly and its fstat stands for the lstat,
   * one system call less per entry; anything else takes the lstat path.
   */
  entryInto(w: XdrWriter, ctx: OpContext, dir: FsNode, name: string, listedRegular: boolean, want: readonly number[], statfs: BigIntStatsFs | undefined): readonly number[] {
    if (listedRegular && ctx.minor >= 2 && want.includes(this.imaAttr)) {
      const abs = this.fs.entryPath(dir, name);
      const since = Date.now();
      const opened = this.files.openEntrySync(abs);
      if (opened) {
        const n = this.fs.entryNode(dir, name, abs, opened.st);
        const ima = readImaOpened(this.files, n, opened.fd, opened.st, { handOff: true, since });
        return encodeNodeAttrVals(w, { node: n, minor: ctx.minor, settings: this.attrSettings, statfs, ima, want }, this.attrConfig, want);
      }
    }
    return this.fattrInto(w, ctx, this.fs.childNow(dir, name), want, statfs);
  }

  async close(): Promise<void> {
    await this.files.closeAll();
  }
}
