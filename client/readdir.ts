import { FATTR4, ftypeName, IMA_DATA_MAX, NF4_VALUES, NFS4_FHSIZE } from './nfs4/constants.js';
import { decodeFattr, type AttrConfig, type RawFattr } from './nfs4/fattr.js';
import { putfhOp } from './nfs4/ops/putfh.js';
import { readdirOp, type Entry4 } from './nfs4/ops/readdir.js';
import { NFS4_OK, statusName } from './nfs4/status.js';
import { statFromFattr, STAT_ATTRS, type NfsStat } from './nfs-stat.js';
import { op, resultOf } from './session/compound-call.js';
import type { NfsSession } from './session/nfs-session.js';
import { ProtocolError } from './errors.js';
import { XdrReader } from './xdr/xdr-reader.js';

export interface DirEntry {
  name: string;
  type: string;
  size: number;
  /** undefined when the server could not read this entry's attributes (see `error`). */
  stat: NfsStat | undefined;
  fh: Buffer | undefined;
  /** rdattr_error for this entry, e.g. "NFS4ERR_ACCESS"; undefined when its attributes came. */
  error: string | undefined;
  /**
   * FATTR4_IMA from this listing when asked for (readdir `{ ima: true }`):
   * empty when the file has none. A value of this one pass, for an appraisal
   * done right away, never to be kept (draft §4.4).
   */
  ima?: Buffer;
}

/** Directory bytes per READDIR reply: small enough that big directories take several rounds. */
const MAXCOUNT = 32 * 1024;
const DIRCOUNT = 8 * 1024;
/** A directory that never reaches EOF is a broken server, not a big directory. */
const MAX_ROUNDS = 100_000;

/**
 * What a tree walk needs of an entry, without the rest of stat: type, size,
 * mode (exec rules), handle, and (when asked) FATTR4_IMA. `fh` and `ima` are
 * views into the READDIR reply (no copy; they keep that reply's memory alive
 * while held). `ima` is a value of this one pass, for an appraisal done right
 * away, never to be kept (draft §4.4).
 */
export interface WalkEntry {
  name: string;
  /** 'file', 'directory', 'symlink', ... or 'unknown' when `error` is set. */
  type: string;
  size: number;
  mode: number;
  fh: Buffer | undefined;
  error: string | undefined;
  ima?: Buffer;
}

/** The attributes of a WalkEntry (besides rdattr_error, filehandle and FATTR4_IMA). */
export const WALK_ATTRS: readonly number[] = [FATTR4.TYPE, FATTR4.SIZE, FATTR4.MODE];

/**
 * Bytes per READDIR reply for walks: a thousand entries carrying a 256-byte
 * signature each in about four rounds instead of fifteen. Kept below the RPC
 * buffer pool's threshold so views into the reply stay in memory of their own.
 */
const WALK_MAXCOUNT = 128 * 1024;

interface RoundOptions {
  mask: readonly number[];
  maxcount: number;
  dircount: number;
  onRound?: () => void;
}

/**
 * RFC 8881 §18.23 READDIR in rounds: cookie 0 and a zero verifier first,
 * then the last entry's cookie and the verifier the server returned, until
 * eof. Each entry asks for rdattr_error, so one unreadable entry is reported
 * on that entry instead of failing the listing (RFC 8881 §5.8.1.12).
 */
async function readdirRounds(session: NfsSession, fh: Buffer, path: string, o: RoundOptions, onEntry: (e: Entry4) => void): Promise<void> {
  let cookie = 0n;
  let verf = Buffer.alloc(8);
  const maxcount = Math.min(o.maxcount, Math.max(4096, session.maxResponseSize - 1024));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const ops = [op(putfhOp, { object: fh }), op(readdirOp, { cookie, cookieverf: verf, dircount: o.dircount, maxcount, attrRequest: o.mask as number[] })];
    const res = await session.compoundRaw(ops);
    if (res.status !== NFS4_OK) throw session.errorFor(res, ops, path);
    o.onRound?.();
    const ok = resultOf(res, 1, readdirOp).resok!;
    for (const e of ok.entries) onEntry(e);
    if (ok.eof) return;
    if (ok.entries.length === 0) throw new ProtocolError(`READDIR ${path}: no entries and no EOF`);
    cookie = ok.entries[ok.entries.length - 1].cookie;
    verf = Buffer.from(ok.cookieverf);
  }
  throw new ProtocolError(`READDIR ${path}: no EOF after ${MAX_ROUNDS} rounds`);
}

function maskOf(attrs: readonly number[], supported: ReadonlySet<number>): number[] {
  const want = [FATTR4.RDATTR_ERROR, FATTR4.FILEHANDLE, ...attrs].filter((a) => supported.size === 0 || supported.has(a) || a === FATTR4.RDATTR_ERROR);
  return [...new Set(want)].sort((a, b) => a - b);
}

/** Every entry with its stat (readdir(), `imafs ls`); fh and ima are copies. */
export async function readAllEntries(session: NfsSession, attrs: AttrConfig, fh: Buffer, path: string, supported: ReadonlySet<number>, onRound?: () => void, extra: readonly number[] = []): Promise<DirEntry[]> {
  const out: DirEntry[] = [];
  const withIma = extra.includes(attrs.imaAttr);
  await readdirRounds(session, fh, path, { mask: maskOf([...STAT_ATTRS, ...extra], supported), maxcount: MAXCOUNT, dircount: DIRCOUNT, onRound }, (e) => {
    const f = decodeFattr(e.attrs, attrs);
    const failed = f.rdattrError !== undefined && f.rdattrError !== NFS4_OK;
    const stat = failed ? undefined : statFromFattr(f);
    out.push({
      name: e.name,
      type: stat?.type ?? 'unknown',
      size: stat?.size ?? 0,
      stat,
      fh: f.filehandle ? Buffer.from(f.filehandle) : undefined,
      error: failed ? statusName(f.rdattrError!) : undefined,
      ...(withIma && !failed ? { ima: f.ima ? Buffer.from(f.ima) : Buffer.alloc(0) } : {}),
    });
  });
  return out;
}

/**
 * Every entry with only what a walk needs (WalkEntry), in large rounds: the
 * server encodes and the client decodes a handful of attributes per entry
 * instead of the whole stat, which is most of a READDIR's cost in a tree of
 * small files. With `ima` each entry also carries FATTR4_IMA.
 */
export async function readWalkEntries(session: NfsSession, attrs: AttrConfig, fh: Buffer, path: string, supported: ReadonlySet<number>, ima: boolean, onRound?: () => void): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  const imaAttr = attrs.imaAttr;
  await readdirRounds(session, fh, path, { mask: maskOf(ima ? [...WALK_ATTRS, imaAttr] : WALK_ATTRS, supported), maxcount: WALK_MAXCOUNT, dircount: WALK_MAXCOUNT, onRound }, (e) => {
    out.push(decodeWalkEntry(e.name, e.attrs, imaAttr, ima) ?? walkEntryFromFattr(e.name, e.attrs, attrs, ima));
  });
  return out;
}

/** The general path: any attribute imafs knows (or a ProtocolError naming one it does not). */
function walkEntryFromFattr(name: string, raw: RawFattr, attrs: AttrConfig, ima: boolean): WalkEntry {
  const f = decodeFattr(raw, attrs);
  return walkEntry(name, f.type, f.size === undefined ? 0 : Number(f.size), f.mode ?? 0, f.filehandle, f.rdattrError, f.ima, ima);
}

/** A WalkEntry from decoded values; a failed rdattr_error keeps only the name, handle and error. */
function walkEntry(name: string, type: number | undefined, size: number, mode: number, fh: Buffer | undefined, rdattrError: number | undefined, value: Buffer | undefined, ima: boolean): WalkEntry {
  const failed = rdattrError !== undefined && rdattrError !== NFS4_OK;
  const e: WalkEntry = {
    name,
    type: failed || type === undefined ? 'unknown' : ftypeName(type),
    size: failed ? 0 : size,
    mode: failed ? 0 : mode,
    fh,
    error: failed ? statusName(rdattrError) : undefined,
  };
  if (ima && !failed) e.ima = value ?? EMPTY;
  return e;
}

/**
 * The same WalkEntry as walkEntryFromFattr, decoded straight from attr_vals
 * (RFC 8881 §3.3.8-§3.3.9: the values of the set bits, lowest bit first)
 * without the general Fattr object: the attributes a walk asks for are all
 * the reply carries, a thousand times per directory. Same XDR checks (the
 * reader's bounds and padding, nfs_ftype4 values, nfs_fh4 and ima_data4
 * limits, no trailing bytes). null when the reply carries an attribute this
 * path does not decode: the general path then decodes or refuses it.
 */
export function decodeWalkEntry(name: string, raw: RawFattr, imaAttr: number, ima: boolean): WalkEntry | null {
  const r = new XdrReader(raw.attrVals);
  let type: number | undefined;
  let size = 0;
  let mode = 0;
  let fh: Buffer | undefined;
  let rdattrError: number | undefined;
  let value: Buffer | undefined;
  const mask = raw.attrmask;
  for (let i = 0; i < mask.length; i++) {
    const bit = mask[i];
    if (bit === FATTR4.TYPE) type = r.enumOf<number>(NF4_VALUES, 'nfs_ftype4');
    else if (bit === FATTR4.SIZE) size = r.uint64Number();
    else if (bit === FATTR4.RDATTR_ERROR) rdattrError = r.uint32();
    else if (bit === FATTR4.FILEHANDLE) fh = r.opaqueVar(NFS4_FHSIZE, 'nfs_fh4');
    else if (bit === FATTR4.MODE) mode = r.uint32();
    else if (bit === imaAttr) value = r.opaqueVar(IMA_DATA_MAX, 'ima_data4');
    else return null;
  }
  r.assertEnd('fattr4 attr_vals');
  return walkEntry(name, type, size, mode, fh, rdattrError, value, ima);
}

const EMPTY = Buffer.alloc(0);
