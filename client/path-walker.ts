import { NfsError } from './errors.js';
import { FATTR4, NF4 } from './nfs4/constants.js';
import { decodeFattr, type AttrConfig, type Fattr, type RawFattr } from './nfs4/fattr.js';
import { getattrOp } from './nfs4/ops/getattr.js';
import { getfhOp } from './nfs4/ops/getfh.js';
import { lookupOp } from './nfs4/ops/lookup.js';
import { lookuppOp } from './nfs4/ops/lookupp.js';
import { putfhOp } from './nfs4/ops/putfh.js';
import { putrootfhOp } from './nfs4/ops/putrootfh.js';
import { readlinkOp } from './nfs4/ops/readlink.js';
import { NFS4ERR, NFS4_OK, statusName } from './nfs4/status.js';
import { op, resultOf, type OpCall } from './session/compound-call.js';
import type { NfsSession } from './session/nfs-session.js';
import { pathComponents } from './url.js';

/** Linux's limit on symlinks followed in one path (MAXSYMLINKS = 40). */
const MAX_SYMLINKS = 40;
/** Ops a walk may spend beyond the LOOKUPs: SEQUENCE, PUT*FH, GETFH, GETATTR, and a few for the caller. */
const RESERVED_OPS = 8;

export interface Walked {
  fh: Buffer;
  /** Absolute path (server namespace) of the object reached, after symlinks. */
  path: string;
  fattr: Fattr;
}

export interface WalkOptions {
  /** Follow a symlink in the last component (intermediate ones are always followed). */
  follow: boolean;
  /** GETATTR mask for the object reached (TYPE is always added). */
  attrs: readonly number[];
}

/**
 * Walks a path with LOOKUP chains, as many components per COMPOUND as the
 * session allows (RFC 8881 §18.13: PUTROOTFH, LOOKUP..., GETFH, GETATTR):
 * one round trip for an ordinary path. ".." becomes LOOKUPP. A symlink in the
 * middle shows up as NFS4ERR_SYMLINK (or NOTDIR) on the LOOKUP after it; the
 * walker reads it and continues from its target. Relative targets resolve
 * from the link's directory, absolute ones from `shareRoot` (the URL's path),
 * which is how a client mounted there would see them.
 */
export class PathWalker {
  private readonly masks = new WeakMap<readonly number[], number[]>();

  constructor(
    private readonly session: NfsSession,
    private readonly attrs: AttrConfig,
    private readonly shareRoot: string,
  ) {}

  private lookups(comps: readonly string[]): OpCall[] {
    return comps.map((c) => (c === '..' ? op(lookuppOp, {}) : op(lookupOp, { objname: c })));
  }

  private start(base: Buffer | undefined): OpCall {
    return base ? op(putfhOp, { object: base }) : op(putrootfhOp, {});
  }

  private fail(status: number, opName: string, path: string): NfsError {
    return new NfsError(status, statusName(status), opName, path);
  }

  /** The GETATTR mask: `attrs` plus TYPE, ascending (memoized per attrs array: stat() asks with the same one every time). */
  private maskOf(attrs: readonly number[]): number[] {
    let m = this.masks.get(attrs);
    if (m === undefined) {
      m = [...new Set([FATTR4.TYPE, ...attrs])].sort((a, b) => a - b);
      this.masks.set(attrs, m);
    }
    return m;
  }

  async walk(absPath: string, o: WalkOptions): Promise<Walked> {
    const w = await this.go(absPath, o, true);
    return { fh: w.fh!, path: w.path, fattr: w.fattr ?? decodeFattr(w.raw, this.attrs) };
  }

  /**
   * The attributes at `absPath` (a final symlink not followed), still
   * undecoded, for a caller that needs no handle: the last COMPOUND then
   * carries no GETFH (stat() at every open of the mount).
   */
  walkAttrs(absPath: string, attrs: readonly number[]): Promise<{ path: string; raw: RawFattr }> {
    return this.go(absPath, { follow: false, attrs }, false);
  }

  private async go(absPath: string, o: WalkOptions, needFh: boolean): Promise<{ fh: Buffer | undefined; path: string; raw: RawFattr; fattr?: Fattr }> {
    const mask = this.maskOf(o.attrs);
    const perCompound = Math.max(1, (this.session.maxOperations || 16) - RESERVED_OPS);
    let remaining = pathComponents(absPath);
    let base: { fh: Buffer | undefined; comps: string[] } = { fh: undefined, comps: [] };
    let hops = 0;
    for (;;) {
      const take = remaining.slice(0, perCompound);
      // The handle is needed to go on from here: more components, or a symlink to follow.
      const getfh = needFh || o.follow || take.length < remaining.length;
      const ops = [this.start(base.fh), ...this.lookups(take)];
      if (getfh) ops.push(op(getfhOp, {}));
      ops.push(op(getattrOp, { attrRequest: mask }));
      const res = await this.session.compoundRaw(ops);
      if (res.status !== NFS4_OK) {
        const i = res.results.length - 1;
        // Name the path up to the component that failed, not the whole request.
        const upTo = `/${[...base.comps, ...take.slice(0, Math.max(0, i))].join('/')}`;
        const failed = ops[i];
        const linkAt = i - 2; // index in `take` of the component that may be a symlink
        if (failed.codec === lookupOp && (res.status === NFS4ERR.SYMLINK || res.status === NFS4ERR.NOTDIR) && linkAt >= 0) {
          const target = await this.readlinkOf(base.fh, take.slice(0, linkAt + 1));
          if (target === undefined) throw this.fail(res.status, failed.codec.name, upTo);
          if (++hops > MAX_SYMLINKS) throw this.fail(NFS4ERR.SYMLINK, 'LOOKUP', upTo);
          remaining = [...this.splice([...base.comps, ...take.slice(0, linkAt)], target), ...take.slice(linkAt + 1), ...remaining.slice(take.length)];
          base = { fh: undefined, comps: [] };
          continue;
        }
        throw this.fail(res.status, failed.codec.name, upTo);
      }
      const fh = getfh ? Buffer.from(resultOf(res, ops.length - 2, getfhOp).resok!.object) : undefined;
      base = { fh, comps: [...base.comps, ...take] };
      remaining = remaining.slice(take.length);
      if (remaining.length > 0) continue;
      const raw = resultOf(res, ops.length - 1, getattrOp).resok!.objAttributes;
      if (!o.follow) return { fh, path: `/${base.comps.join('/')}`, raw };
      const fattr = decodeFattr(raw, this.attrs);
      if (fattr.type === NF4.LNK) {
        const shown = `/${base.comps.join('/')}`;
        if (++hops > MAX_SYMLINKS) throw this.fail(NFS4ERR.SYMLINK, 'LOOKUP', shown);
        const target = await this.readlinkFh(fh!, shown);
        remaining = this.splice(base.comps.slice(0, -1), target);
        base = { fh: undefined, comps: [] };
        continue;
      }
      return { fh, path: `/${base.comps.join('/')}`, raw, fattr };
    }
  }

  /** Components after following `target` from the directory `dir`. */
  private splice(dir: string[], target: string): string[] {
    return target.startsWith('/') ? [...pathComponents(this.shareRoot), ...pathComponents(target)] : [...dir, ...pathComponents(target)];
  }

  /** READLINK of base + comps; undefined when that object is not a symlink (a real NOTDIR). */
  private async readlinkOf(base: Buffer | undefined, comps: string[]): Promise<string | undefined> {
    const ops = [this.start(base), ...this.lookups(comps), op(readlinkOp, {})];
    const res = await this.session.compoundRaw(ops);
    if (res.status !== NFS4_OK) return undefined;
    return resultOf(res, ops.length - 1, readlinkOp).resok!.link.toString('utf8');
  }

  async readlinkFh(fh: Buffer, path: string): Promise<string> {
    const ops = [op(putfhOp, { object: fh }), op(readlinkOp, {})];
    const res = await this.session.compoundRaw(ops);
    if (res.status !== NFS4_OK) throw this.session.errorFor(res, ops, path);
    return resultOf(res, 1, readlinkOp).resok!.link.toString('utf8');
  }
}
