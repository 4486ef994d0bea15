/**
 * The attributes imafs serve reports (RFC 8881 §5.6 REQUIRED, a useful part of
 * §5.7 RECOMMENDED, and FATTR4_IMA for 4.2 clients, draft §4.2) and how each
 * is computed from lstat/statfs/xattr. A GETATTR asks for a bitmap; bits not
 * in `supportedAttrs(minor)` are simply left out of the reply (RFC 8881
 * §18.7.3), never an error.
 *
 * Choices a client may care about (docs/server.md):
 * - owner / owner_group are numeric strings ("1000"), which RFC 8881 §5.9
 *   allows with AUTH_SYS and which libnfs and the Linux client accept.
 * - change is the ctime in nanoseconds: it moves on content, mode and xattr
 *   (FATTR4_IMA) changes alike.
 * - fsid is (st_dev, 0); fileid and mounted_on_fileid are st_ino.
 */
import { constants as fsc, type BigIntStats, type BigIntStatsFs } from 'node:fs';
import { FATTR4, FH4_PERSISTENT, FH4_VOLATILE_ANY, NF4, type NfsFtype4 } from '../../client/nfs4/constants.js';
import { attrDesc, knownAttrs, type AttrConfig, type AttrDesc, type Fattr, type RawFattr } from '../../client/nfs4/fattr.js';
import { XdrWriter } from '../../client/xdr/xdr-writer.js';
import type { Nfstime4 } from '../../client/nfs4/types.js';
import { MAX_NAME, type FsNode } from '../fs/export-fs.js';

/** RFC 8881 §5.8.2.21/22: the largest READ we serve (1 MiB), also reported as maxwrite. */
export const MAX_IO = 1 << 20;

const BASE_ATTRS: readonly number[] = [
  FATTR4.SUPPORTED_ATTRS, FATTR4.TYPE, FATTR4.FH_EXPIRE_TYPE, FATTR4.CHANGE, FATTR4.SIZE,
  FATTR4.LINK_SUPPORT, FATTR4.SYMLINK_SUPPORT, FATTR4.NAMED_ATTR, FATTR4.FSID, FATTR4.UNIQUE_HANDLES,
  FATTR4.LEASE_TIME, FATTR4.RDATTR_ERROR, FATTR4.ACLSUPPORT, FATTR4.CANSETTIME, FATTR4.CASE_INSENSITIVE,
  FATTR4.CASE_PRESERVING, FATTR4.CHOWN_RESTRICTED, FATTR4.FILEHANDLE, FATTR4.FILEID, FATTR4.FILES_AVAIL,
  FATTR4.FILES_FREE, FATTR4.FILES_TOTAL, FATTR4.HOMOGENEOUS, FATTR4.MAXFILESIZE, FATTR4.MAXLINK,
  FATTR4.MAXNAME, FATTR4.MAXREAD, FATTR4.MAXWRITE, FATTR4.MODE, FATTR4.NO_TRUNC, FATTR4.NUMLINKS,
  FATTR4.OWNER, FATTR4.OWNER_GROUP, FATTR4.RAWDEV, FATTR4.SPACE_AVAIL, FATTR4.SPACE_FREE,
  FATTR4.SPACE_TOTAL, FATTR4.SPACE_USED, FATTR4.TIME_ACCESS, FATTR4.TIME_CREATE, FATTR4.TIME_DELTA,
  FATTR4.TIME_METADATA, FATTR4.TIME_MODIFY, FATTR4.MOUNTED_ON_FILEID,
];

export interface AttrSettings {
  imaAttr: number;
  leaseSeconds: number;
  persistentHandles: boolean;
}

/** The supported_attrs bitmap for a minor version; FATTR4_IMA only for 4.2 (the draft extends 4.2 only). */
export function supportedAttrs(minor: number, s: AttrSettings): number[] {
  return [...supportedAttrsShared(minor, s)];
}

const supportedCache = new Map<string, readonly number[]>();
/** supportedAttrs, one frozen array per (minor, imaAttr): every GETATTR of supported_attrs encodes it. */
function supportedAttrsShared(minor: number, s: AttrSettings): readonly number[] {
  const k = `${minor}:${s.imaAttr}`;
  let v = supportedCache.get(k);
  if (!v) {
    const bits = [...BASE_ATTRS];
    if (minor >= 1) bits.push(FATTR4.SUPPATTR_EXCLCREAT);
    if (minor >= 2) bits.push(s.imaAttr);
    v = Object.freeze(bits.sort((a, b) => a - b));
    supportedCache.set(k, v);
  }
  return v;
}

function ftype(st: BigIntStats): NfsFtype4 {
  switch (Number(st.mode) & fsc.S_IFMT) {
    case fsc.S_IFREG: return NF4.REG;
    case fsc.S_IFDIR: return NF4.DIR;
    case fsc.S_IFLNK: return NF4.LNK;
    case fsc.S_IFBLK: return NF4.BLK;
    case fsc.S_IFCHR: return NF4.CHR;
    case fsc.S_IFSOCK: return NF4.SOCK;
    default: return NF4.FIFO;
  }
}

function nfstime(ns: bigint): Nfstime4 {
  const seconds = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  return { seconds, nseconds: Number(ns - seconds * 1_000_000_000n) };
}

export interface AttrInputs {
  node: FsNode;
  minor: number;
  settings: AttrSettings;
  /** Needed only when space_* or files_* are asked for. */
  statfs?: BigIntStatsFs;
  /** FATTR4_IMA value, needed only when asked for. */
  ima?: Buffer;
  rdattrError?: number;
  /** The attributes asked for: the file handle is MACed only when FILEHANDLE is among them. */
  want?: readonly number[];
}

const STATFS_ATTRS: ReadonlySet<number> = new Set([
  FATTR4.FILES_AVAIL, FATTR4.FILES_FREE, FATTR4.FILES_TOTAL, FATTR4.SPACE_AVAIL, FATTR4.SPACE_FREE, FATTR4.SPACE_TOTAL,
]);

/** Which of `want` need a statfs call (so GETATTR of plain attributes costs one lstat only). */
export function needsStatfs(want: readonly number[]): boolean {
  return want.some((b) => STATFS_ATTRS.has(b));
}

/** The value of attribute `num` for a node, or undefined when it has none here (left out of the reply). */
export function attrValue(num: number, i: AttrInputs): unknown {
  const st = i.node.st;
  const s = i.settings;
  switch (num) {
    case FATTR4.SUPPORTED_ATTRS: return supportedAttrsShared(i.minor, s);
    case FATTR4.TYPE: return ftype(st);
    case FATTR4.FH_EXPIRE_TYPE: return s.persistentHandles ? FH4_PERSISTENT : FH4_VOLATILE_ANY;
    case FATTR4.CHANGE: return st.ctimeNs;
    case FATTR4.SIZE: return st.size;
    case FATTR4.LINK_SUPPORT: return true;
    case FATTR4.SYMLINK_SUPPORT: return true;
    case FATTR4.NAMED_ATTR: return false;
    case FATTR4.FSID: return { major: st.dev, minor: 0n };
    case FATTR4.UNIQUE_HANDLES: return true;
    case FATTR4.LEASE_TIME: return s.leaseSeconds;
    case FATTR4.RDATTR_ERROR: return i.rdattrError ?? 0;
    case FATTR4.ACLSUPPORT: return 0;
    case FATTR4.CANSETTIME: return false;
    case FATTR4.CASE_INSENSITIVE: return false;
    case FATTR4.CASE_PRESERVING: return true;
    case FATTR4.CHOWN_RESTRICTED: return true;
    case FATTR4.FILEHANDLE: return !i.want || i.want.includes(FATTR4.FILEHANDLE) ? i.node.fh : undefined;
    case FATTR4.FILEID: return st.ino;
    case FATTR4.FILES_AVAIL: return i.statfs?.ffree;
    case FATTR4.FILES_FREE: return i.statfs?.ffree;
    case FATTR4.FILES_TOTAL: return i.statfs?.files;
    case FATTR4.HOMOGENEOUS: return true;
    case FATTR4.MAXFILESIZE: return 0x7fffffffffffffffn;
    case FATTR4.MAXLINK: return 65000;
    case FATTR4.MAXNAME: return MAX_NAME;
    case FATTR4.MAXREAD: return BigInt(MAX_IO);
    case FATTR4.MAXWRITE: return BigInt(MAX_IO);
    case FATTR4.MODE: return Number(st.mode) & 0o7777;
    case FATTR4.NO_TRUNC: return true;
    case FATTR4.NUMLINKS: return Number(st.nlink);
    case FATTR4.OWNER: return String(st.uid);
    case FATTR4.OWNER_GROUP: return String(st.gid);
    case FATTR4.RAWDEV: return { specdata1: Number(st.rdev >> 8n) & 0xfff, specdata2: Number((st.rdev & 0xffn) | ((st.rdev >> 12n) & 0xfff00n)) };
    case FATTR4.SPACE_AVAIL: return i.statfs ? i.statfs.bavail * i.statfs.bsize : undefined;
    case FATTR4.SPACE_FREE: return i.statfs ? i.statfs.bfree * i.statfs.bsize : undefined;
    case FATTR4.SPACE_TOTAL: return i.statfs ? i.statfs.blocks * i.statfs.bsize : undefined;
    case FATTR4.SPACE_USED: return st.blocks * 512n;
    case FATTR4.TIME_ACCESS: return nfstime(st.atimeNs);
    case FATTR4.TIME_CREATE: return nfstime(st.birthtimeNs);
    case FATTR4.TIME_DELTA: return { seconds: 0n, nseconds: 1 };
    case FATTR4.TIME_METADATA: return nfstime(st.ctimeNs);
    case FATTR4.TIME_MODIFY: return nfstime(st.mtimeNs);
    case FATTR4.MOUNTED_ON_FILEID: return st.ino;
    case FATTR4.SUPPATTR_EXCLCREAT: return i.minor >= 1 ? [] : undefined;
    default: return num === s.imaAttr && i.ima !== undefined && i.minor >= 2 ? i.ima : undefined;
  }
}

/** Every attribute number attrValue may answer (FATTR4_IMA aside). */
const VALUE_ATTRS: readonly number[] = [...BASE_ATTRS, FATTR4.SUPPATTR_EXCLCREAT];

/** All of a node's attributes as a typed Fattr (the FILEHANDLE only when `want` asks for it, or no `want`). */
export function nodeFattr(i: AttrInputs): Fattr {
  const f: Record<string, unknown> = {};
  for (const num of [...VALUE_ATTRS, i.settings.imaAttr]) {
    const key = attrDesc(num, { imaAttr: i.settings.imaAttr })?.key;
    const v = key === undefined ? undefined : attrValue(num, i);
    if (key !== undefined && v !== undefined) f[key] = v;
  }
  return f as Fattr;
}

const descTables = new Map<number, ReadonlyArray<AttrDesc | undefined>>();
/** Attribute descriptors indexed by number, per FATTR4_IMA number: one lookup per entry instead of two per attribute. */
function descTable(cfg: AttrConfig): ReadonlyArray<AttrDesc | undefined> {
  let t = descTables.get(cfg.imaAttr);
  if (!t) {
    const a: Array<AttrDesc | undefined> = [];
    for (const num of knownAttrs(cfg)) a[num] = attrDesc(num, cfg);
    t = a;
    descTables.set(cfg.imaAttr, t);
  }
  return t;
}

/**
 * fattr4 of the attributes in `want` a node has, in bit order (RFC 8881
 * §3.3.9): the same bytes as encodeFattr(nodeFattr(i), cfg, want), computing
 * only the attributes asked for. A READDIR of an audit asks for 16 of the
 * ~50; building all of them (times are bigint divisions, the handle a MAC)
 * was most of an entry's cost.
 */
export function encodeNodeFattr(i: AttrInputs, cfg: AttrConfig, want: readonly number[]): RawFattr {
  const w = new XdrWriter(256);
  // Frozen: a caller that tried to change it would throw, not corrupt the shared mask.
  const attrmask = encodeNodeAttrVals(w, i, cfg, want) as number[];
  return { attrmask, attrVals: w.finish() };
}

/**
 * encodeNodeFattr's attr_vals appended to `w` (READDIR puts every entry's
 * values in one writer); returns the attrmask, shared and frozen.
 */
export function encodeNodeAttrVals(w: XdrWriter, i: AttrInputs, cfg: AttrConfig, want: readonly number[]): readonly number[] {
  let bits = want;
  for (let k = 1; k < bits.length; k++) {
    if (bits[k] <= bits[k - 1]) {
      bits = [...new Set(want)].sort((a, b) => a - b);
      break;
    }
  }
  const table = descTable(cfg);
  const mask = scratchMask;
  let n = 0;
  for (let k = 0; k < bits.length; k++) {
    const num = bits[k];
    const desc = table[num];
    if (desc === undefined) continue;
    const v = attrValue(num, i);
    if (v === undefined) continue;
    desc.enc(w, v as never);
    mask[n++] = num;
  }
  return internMask(mask, n);
}

/** Bits of the attrmask being built (synchronous, so one array serves every call). */
const scratchMask: number[] = [];
/** The attrmasks returned lately: READDIR entries nearly all have the same one. */
const recentMasks: Array<readonly number[]> = [];

/** The first n bits of `m` as a shared, frozen array (equal masks come back as the same array). */
function internMask(m: readonly number[], n: number): readonly number[] {
  for (const r of recentMasks) {
    if (r.length !== n) continue;
    let k = 0;
    while (k < n && r[k] === m[k]) k++;
    if (k === n) return r;
  }
  const fresh = Object.freeze(m.slice(0, n));
  if (recentMasks.length >= 8) recentMasks.shift();
  recentMasks.push(fresh);
  return fresh;
}
