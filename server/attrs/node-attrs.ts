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
import type { Fattr } from '../../client/nfs4/fattr.js';
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
  const bits = [...BASE_ATTRS];
  if (minor >= 1) bits.push(FATTR4.SUPPATTR_EXCLCREAT);
  if (minor >= 2) bits.push(s.imaAttr);
  return bits.sort((a, b) => a - b);
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

export function nodeFattr(i: AttrInputs): Fattr {
  const st = i.node.st;
  const s = i.settings;
  const f: Fattr = {
    supportedAttrs: supportedAttrs(i.minor, s),
    type: ftype(st),
    fhExpireType: s.persistentHandles ? FH4_PERSISTENT : FH4_VOLATILE_ANY,
    change: st.ctimeNs,
    size: st.size,
    linkSupport: true,
    symlinkSupport: true,
    namedAttr: false,
    fsid: { major: st.dev, minor: 0n },
    uniqueHandles: true,
    leaseTime: s.leaseSeconds,
    rdattrError: i.rdattrError ?? 0,
    aclSupport: 0,
    canSetTime: false,
    caseInsensitive: false,
    casePreserving: true,
    chownRestricted: true,
    filehandle: !i.want || i.want.includes(FATTR4.FILEHANDLE) ? i.node.fh : undefined,
    fileid: st.ino,
    homogeneous: true,
    maxFileSize: 0x7fffffffffffffffn,
    maxLink: 65000,
    maxName: MAX_NAME,
    maxRead: BigInt(MAX_IO),
    maxWrite: BigInt(MAX_IO),
    mode: Number(st.mode) & 0o7777,
    noTrunc: true,
    numLinks: Number(st.nlink),
    owner: String(st.uid),
    ownerGroup: String(st.gid),
    rawdev: { specdata1: Number(st.rdev >> 8n) & 0xfff, specdata2: Number((st.rdev & 0xffn) | ((st.rdev >> 12n) & 0xfff00n)) },
    spaceUsed: st.blocks * 512n,
    timeAccess: nfstime(st.atimeNs),
    timeCreate: nfstime(st.birthtimeNs),
    timeDelta: { seconds: 0n, nseconds: 1 },
    timeMetadata: nfstime(st.ctimeNs),
    timeModify: nfstime(st.mtimeNs),
    mountedOnFileid: st.ino,
  };
  if (i.minor >= 1) f.suppattrExclcreat = [];
  if (i.statfs) {
    const fs = i.statfs;
    f.filesAvail = fs.ffree;
    f.filesFree = fs.ffree;
    f.filesTotal = fs.files;
    f.spaceAvail = fs.bavail * fs.bsize;
    f.spaceFree = fs.bfree * fs.bsize;
    f.spaceTotal = fs.blocks * fs.bsize;
  }
  if (i.ima !== undefined && i.minor >= 2) f.ima = i.ima;
  return f;
}
