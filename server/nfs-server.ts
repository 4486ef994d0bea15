/**
 * `imafs serve` as a library: listens on one TCP address (the only server
 * socket in imafs), one Connection per client, and dispatches its RPC records
 * to the NFSv4 program. Never prints: every line goes to `log`, and
 * 'connect' / 'refused' / 'client-drop' events are emitted for tests.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import util from 'node:util';
import type { Keyring } from '../appraiser/core/keyring.js';
import type { Policy } from '../appraiser/core/policy.js';
import { DEFAULT_IMA_ATTR } from '../client/nfs4/constants.js';
import { DEFAULT_INTEGRITY_STATUS, validateIntegrityStatus } from '../client/nfs4/status.js';
import { AppraisalGate } from './appraisal-gate.js';
import { MAX_IO } from './attrs/node-attrs.js';
import { Connection, type PeerInfo } from './connection.js';
import { ImafsServerError } from './errors.js';
import { ExportFs } from './fs/export-fs.js';
import { FsError } from './fs/fs-error.js';
import { parseImaUpdates } from './ima-update-policy.js';
import { serverHandlers } from './ops/index.js';
import { dispatchRecord } from './rpc-dispatch.js';
import { ServerCore } from './server-core.js';

const debug = util.debuglog('imafs:server');

export interface ServeOptions {
  /** The exported directory (the export root: nfs://host:port/ names it). */
  root: string;
  host?: string;
  port?: number;
  imaAttr?: number;
  integrityStatus?: number;
  /** `--ima-updates` text: none | root | owner | clients=<addr|cidr>[;...], comma-combined. */
  imaUpdates?: string;
  leaseSeconds?: number;
  /** A fixed key makes file handles survive restarts (FH4_PERSISTENT). */
  handleKey?: Buffer;
  appraise?: { policy: Policy; keyring: Keyring };
  /** Largest RPC record accepted (a READ/GETATTR call is far smaller). */
  maxRecordSize?: number;
  maxInFlight?: number;
  maxConnections?: number;
  log?: (line: string) => void;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 2049,
  leaseSeconds: 90,
  maxRecordSize: 256 * 1024,
  maxInFlight: 64,
  maxConnections: 1024,
  /** Largest reply: a 1 MiB READ plus headers. */
  maxReply: MAX_IO + 64 * 1024,
  maxPendingWrite: 16 * 1024 * 1024,
} as const;

export class ImafsServer extends EventEmitter {
  private readonly conns = new Set<Connection>();
  private sweeper: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(readonly core: ServerCore, private readonly server: net.Server, private readonly opts: Required<Pick<ServeOptions, 'maxRecordSize' | 'maxInFlight' | 'maxConnections'>>) {
    super();
    core.on('refused', (e) => this.emit('refused', e));
    core.on('client-drop', (e) => this.emit('client-drop', e));
    const handlers = serverHandlers();
    const onRecord = (rec: Buffer, peer: PeerInfo) => dispatchRecord({ core, handlers, maxReply: DEFAULTS.maxReply }, rec, peer);
    server.on('connection', (sock) => {
      if (this.conns.size >= this.opts.maxConnections) {
        core.log(`refused connection from ${sock.remoteAddress}:${sock.remotePort}: ${this.opts.maxConnections} connections already open`);
        sock.destroy();
        return;
      }
      const c = new Connection(sock, this.nextId++, onRecord, {
        maxRecordSize: this.opts.maxRecordSize,
        maxInFlight: this.opts.maxInFlight,
        maxPendingWrite: DEFAULTS.maxPendingWrite,
      }, (peer, why) => core.log(`connection ${peer.addr}:${peer.port}: ${why}`));
      this.conns.add(c);
      sock.on('close', () => this.conns.delete(c));
      core.log(`client ${c.peer.addr}:${c.peer.port} connected`);
      this.emit('connect', c.peer);
    });
    const every = Math.max(1000, (core.settings.leaseSeconds * 1000) / 4);
    this.sweeper = setInterval(() => {
      core.clients.sweep();
      core.files.small.sweep();
    }, every);
    this.sweeper.unref();
  }

  address(): { host: string; port: number } {
    const a = this.server.address() as net.AddressInfo;
    return { host: a.address, port: a.port };
  }

  get connections(): number {
    return this.conns.size;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.conns) c.destroy();
    await closed;
    await this.core.close();
    debug('server closed');
  }
}

export async function startServer(o: ServeOptions): Promise<ImafsServer> {
  const imaAttr = o.imaAttr ?? DEFAULT_IMA_ATTR;
  const integrityStatus = o.integrityStatus ?? DEFAULT_INTEGRITY_STATUS;
  const bad = validateIntegrityStatus(integrityStatus);
  if (bad) throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--integrity-status: ${bad}`);
  const leaseSeconds = o.leaseSeconds ?? DEFAULTS.leaseSeconds;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1 || leaseSeconds > 3600) {
    throw new ImafsServerError('IMAFS_SERVER_CONFIG', `lease time ${leaseSeconds} s is not in 1..3600`);
  }
  const updates = parseImaUpdates(o.imaUpdates ?? 'none');
  let fs: ExportFs;
  try {
    fs = await ExportFs.open(o.root, o.handleKey);
  } catch (err) {
    const why = err instanceof FsError ? err.message : String(err);
    throw new ImafsServerError('IMAFS_SERVER_EXPORT', `cannot export ${o.root}: ${why}`, err);
  }
  let core: ServerCore;
  try {
    core = new ServerCore(fs, {
      imaAttr,
      integrityStatus,
      leaseSeconds,
      persistentHandles: o.handleKey !== undefined,
      updates,
      channel: {
        maxRequestSize: o.maxRecordSize ?? DEFAULTS.maxRecordSize,
        maxResponseSize: DEFAULTS.maxReply,
        maxResponseSizeCached: 64 * 1024,
        maxOperations: 64,
        maxRequests: 64,
      },
      log: o.log ?? (() => undefined),
    });
  } catch (err) {
    throw new ImafsServerError('IMAFS_SERVER_CONFIG', `--ima-attr: ${(err as Error).message}`, err);
  }
  if (o.appraise) core.gate = new AppraisalGate(o.appraise.policy, o.appraise.keyring, core.files);
  const server = net.createServer({ noDelay: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new ImafsServerError('IMAFS_SERVER_LISTEN', `cannot listen on ${o.host ?? DEFAULTS.host}:${o.port ?? DEFAULTS.port}: ${err.message}`, err)));
    server.listen({ host: o.host ?? DEFAULTS.host, port: o.port ?? DEFAULTS.port, ipv6Only: false }, () => resolve());
  });
  return new ImafsServer(core, server, {
    maxRecordSize: o.maxRecordSize ?? DEFAULTS.maxRecordSize,
    maxInFlight: o.maxInFlight ?? DEFAULTS.maxInFlight,
    maxConnections: o.maxConnections ?? DEFAULTS.maxConnections,
  });
}
