/**
 * A deliberately low-level NFSv4 client for server tests: hand-built RPC
 * calls and COMPOUNDs (with the shared codecs), raw bytes for fuzzing, and
 * explicit session/slot control so replays, misordering and limits can be
 * provoked. Not for production use: no retries, no recovery.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { authSys, type AuthSysOptions } from '../../../client/rpc/auth.js';
import { RecordParser, frameRecord } from '../../../client/rpc/record-marking.js';
import { decodeReply, encodeCall, type ReplyHeader, MSG_ACCEPTED, SUCCESS } from '../../../client/rpc/rpc-message.js';
import { decodeCompound4Res, encodeCompound4Args, type NfsResop } from '../../../client/nfs4/compound.js';
import { NFS4_PROGRAM, NFS_V4 } from '../../../client/nfs4/constants.js';
import type { AnyOpCodec } from '../../../client/nfs4/op-codec.js';
import { exchangeIdOp } from '../../../client/nfs4/ops/exchange-id.js';
import { createSessionOp } from '../../../client/nfs4/ops/create-session.js';
import { sequenceOp } from '../../../client/nfs4/ops/sequence.js';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { XdrWriter } from '../../../client/xdr/xdr-writer.js';
import { getfhOp } from '../../../client/nfs4/ops/getfh.js';
import { putrootfhOp } from '../../../client/nfs4/ops/putrootfh.js';
import type { TestContext } from 'node:test';
import { startInProcessServe, type InProcessServe } from '../../helpers/imafs-serve.js';

export interface Reply {
  header: ReplyHeader;
  body: XdrReader;
  raw: Buffer;
}

export type Op = [AnyOpCodec, unknown];

export class RawNfs {
  private readonly pending = new Map<number, (rec: Buffer) => void>();
  private xid = randomBytes(4).readUInt32BE(0) & 0x7fffffff;
  private closedErr: Error | undefined;
  readonly records: Buffer[] = [];
  sessionid: Buffer | undefined;
  clientid: bigint | undefined;
  slotSeq: number[] = [];
  private closeWaiters: Array<() => void> = [];
  closed = false;

  private constructor(private readonly sock: net.Socket, public cred: AuthSysOptions | 'none') {
    const parser = new RecordParser({
      maxRecordSize: 64 << 20,
      onRecord: (rec) => {
        const x = rec.readUInt32BE(0);
        const w = this.pending.get(x);
        if (w) {
          this.pending.delete(x);
          w(rec);
        } else this.records.push(rec);
      },
    });
    sock.setNoDelay(true);
    sock.on('data', (d) => parser.push(d));
    sock.on('close', () => {
      this.closed = true;
      this.closedErr = new Error('connection closed');
      for (const w of this.closeWaiters) w();
    });
    sock.on('error', () => undefined);
  }

  static async connect(port: number, cred: AuthSysOptions | 'none' = { uid: 0, gid: 0, gids: [] }): Promise<RawNfs> {
    const sock = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    return new RawNfs(sock, cred);
  }

  /** Resolves when the server closes the connection (or after ms, false). */
  waitClosed(ms = 5000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.closeWaiters.push(() => { clearTimeout(t); resolve(true); });
    });
  }

  writeRaw(b: Buffer): void {
    this.sock.write(b);
  }

  /** Sends a framed record and waits for the reply with the xid in its first 4 bytes. */
  async request(record: Buffer, timeoutMs = 10_000): Promise<Buffer> {
    const xid = record.readUInt32BE(0);
    if (this.closedErr) throw this.closedErr;
    const p = new Promise<Buffer>((resolve, reject) => {
      const t = setTimeout(() => { this.pending.delete(xid); reject(new Error(`no reply to xid ${xid}`)); }, timeoutMs);
      this.pending.set(xid, (rec) => { clearTimeout(t); resolve(rec); });
    });
    this.sock.write(Buffer.concat(frameRecord([record])));
    return await p;
  }

  nextXid(): number {
    this.xid = (this.xid + 1) >>> 0;
    return this.xid;
  }

  async call(proc: number, args: Buffer[] = [], o: { prog?: number; vers?: number; rpcvers?: number; xid?: number } = {}): Promise<Reply> {
    const w = new XdrWriter();
    const cred = this.cred === 'none' ? { flavor: 0, body: Buffer.alloc(0) } : authSys({ machinename: 'imafs-test', ...this.cred });
    const xid = o.xid ?? this.nextXid();
    encodeCall(w, { xid, rpcvers: o.rpcvers, prog: o.prog ?? NFS4_PROGRAM, vers: o.vers ?? NFS_V4, proc, cred, verf: { flavor: 0, body: Buffer.alloc(0) } });
    for (const a of args) w.raw(Buffer.concat([a, Buffer.alloc((4 - (a.length & 3)) & 3)]));
    const raw = await this.request(w.finish());
    const body = new XdrReader(raw);
    const header = decodeReply(body);
    return { header, body, raw };
  }

  /** COMPOUND4args bytes for these ops. */
  static compoundArgs(minor: number, ops: Op[], tag = 'imafs-test'): Buffer {
    const w = new XdrWriter();
    const registry = new Map(ops.map(([c]) => [c.op, c]));
    encodeCompound4Args(w, { tag, minorVersion: minor, argarray: ops.map(([c, a]) => ({ op: c.op, args: a })) }, { registry });
    return w.finish();
  }

  async compound(minor: number, ops: Op[], tag = 'imafs-test'): Promise<{ status: number; results: NfsResop[]; raw: Buffer }> {
    const rep = await this.call(1, [RawNfs.compoundArgs(minor, ops, tag)]);
    if (rep.header.replyStat !== MSG_ACCEPTED || rep.header.accepted.stat !== SUCCESS) {
      throw new Error(`COMPOUND not accepted: ${JSON.stringify(rep.header)}`);
    }
    const registry = new Map<number, AnyOpCodec>(ops.map(([c]) => [c.op, c]));
    const { illegalOp } = await import('../../../client/nfs4/ops/illegal.js');
    registry.set(illegalOp.op, illegalOp);
    const res = decodeCompound4Res(rep.body, ops.map(([c]) => c.op), { registry });
    return { status: res.status, results: res.resarray, raw: rep.raw };
  }

  /** EXCHANGE_ID + CREATE_SESSION with the given fore-channel wishes. */
  async createSession(minor = 2, fore: Partial<{ maxRequestSize: number; maxResponseSize: number; maxResponseSizeCached: number; maxOperations: number; maxRequests: number }> = {}): Promise<void> {
    const ex = await this.compound(minor, [[exchangeIdOp, {
      clientOwner: { verifier: randomBytes(8), ownerid: randomBytes(16) }, flags: 0, stateProtect: { how: 0 },
    }]]);
    if (ex.status !== 0) throw new Error(`EXCHANGE_ID failed: ${ex.status}`);
    const exr = (ex.results[0].res as unknown as { resok: { clientid: bigint; sequenceid: number } }).resok;
    this.clientid = exr.clientid;
    const attrs = { headerPadSize: 0, maxRequestSize: 1 << 20, maxResponseSize: 2 << 20, maxResponseSizeCached: 64 << 10, maxOperations: 32, maxRequests: 8, ...fore };
    const cs = await this.compound(minor, [[createSessionOp, {
      clientid: exr.clientid, sequence: exr.sequenceid, flags: 0, foreChanAttrs: attrs,
      backChanAttrs: { headerPadSize: 0, maxRequestSize: 4096, maxResponseSize: 4096, maxResponseSizeCached: 0, maxOperations: 2, maxRequests: 1 },
      cbProgram: 0x40000000, secParms: [{ flavor: 0 }],
    }]]);
    if (cs.status !== 0) throw new Error(`CREATE_SESSION failed: ${cs.status}`);
    const csr = (cs.results[0].res as unknown as { resok: { sessionid: Buffer; foreChanAttrs: { maxRequests: number } } }).resok;
    this.sessionid = Buffer.from(csr.sessionid);
    this.slotSeq = new Array(csr.foreChanAttrs.maxRequests).fill(0);
  }

  /** SEQUENCE + ops on `slot`; seqid defaults to the slot's next. */
  async seq(minor: number, ops: Op[], o: { slot?: number; seqid?: number; cachethis?: boolean } = {}): Promise<{ status: number; results: NfsResop[]; raw: Buffer }> {
    const slot = o.slot ?? 0;
    const seqid = o.seqid ?? (this.slotSeq[slot] ?? 0) + 1;
    const r = await this.compound(minor, [[sequenceOp, {
      sessionid: this.sessionid!, sequenceid: seqid, slotid: slot, highestSlotid: Math.max(0, this.slotSeq.length - 1), cachethis: o.cachethis ?? false,
    }], ...ops]);
    if (r.results[0]?.res.status === 0 && o.seqid === undefined) this.slotSeq[slot] = seqid;
    return r;
  }

  close(): void {
    this.sock.destroy();
  }
}

/** The status of the op at index i (or undefined when processing stopped earlier). */
export function opStatus(r: { results: NfsResop[] }, i: number): number | undefined {
  return r.results[i]?.res.status;
}

/**
 * An in-process `imafs serve` of `dir`, a RawNfs session on it (slot table
 * of 2, 64 operations per COMPOUND) and the export's root handle; the server
 * and the connection are closed after `t`.
 */
export async function rawSessionOnServe(
  t: TestContext,
  dir: string,
  options: Parameters<typeof startInProcessServe>[1] = {},
): Promise<{ s: InProcessServe; c: RawNfs; rootFh: Buffer }> {
  const s = await startInProcessServe(dir, options);
  t.after(() => s.stop());
  const c = await RawNfs.connect(s.port);
  t.after(() => c.close());
  await c.createSession(2, { maxOperations: 64 });
  const root = await c.seq(2, [[putrootfhOp, {}], [getfhOp, {}]]);
  return { s, c, rootFh: Buffer.from((root.results[2].res as unknown as { resok: { object: Uint8Array } }).resok.object) };
}
