import { FATTR4, ftypeName } from './nfs4/constants.js';
import type { Fattr } from './nfs4/fattr.js';
import { nfstimeToDate } from './nfs4/types.js';

/** What stat() and readdir() report for one object (CONTRIBUTING "Client API"). */
export interface NfsStat {
  /** 'file', 'directory', 'symlink', 'block', 'char', 'socket', 'fifo' (or another lower-case word). */
  type: string;
  size: number;
  /** mode4 permission bits (RFC 8881 §6.2.4), without the file type. */
  mode: number;
  numlinks: number;
  /** owner / owner_group as the server sent them ("0", or "user@domain"). */
  owner: string;
  ownerGroup: string;
  /** Numeric ids when the server sent numeric owners; undefined otherwise. */
  uid: number | undefined;
  gid: number | undefined;
  fileid: bigint;
  change: bigint;
  atime: Date | undefined;
  mtime: Date | undefined;
  ctime: Date | undefined;
  fsid: { major: bigint; minor: bigint } | undefined;
  /** Device numbers of block and char devices. */
  rawdev: { major: number; minor: number } | undefined;
}

/** Attributes stat() asks for (supported_attrs permitting), besides FATTR4_IMA. */
export const STAT_ATTRS: readonly number[] = [
  FATTR4.TYPE, FATTR4.CHANGE, FATTR4.SIZE, FATTR4.FSID, FATTR4.FILEID, FATTR4.MODE, FATTR4.NUMLINKS,
  FATTR4.OWNER, FATTR4.OWNER_GROUP, FATTR4.RAWDEV, FATTR4.TIME_ACCESS, FATTR4.TIME_METADATA, FATTR4.TIME_MODIFY,
];

function numericId(s: string | undefined): number | undefined {
  return s !== undefined && /^\d{1,10}$/.test(s) && Number(s) <= 0xffffffff ? Number(s) : undefined;
}

export function statFromFattr(f: Fattr): NfsStat {
  return {
    type: f.type === undefined ? 'unknown' : ftypeName(f.type),
    size: f.size === undefined ? 0 : Number(f.size),
    mode: f.mode ?? 0,
    numlinks: f.numLinks ?? 0,
    owner: f.owner ?? '',
    ownerGroup: f.ownerGroup ?? '',
    uid: numericId(f.owner),
    gid: numericId(f.ownerGroup),
    fileid: f.fileid ?? 0n,
    change: f.change ?? 0n,
    atime: f.timeAccess ? nfstimeToDate(f.timeAccess) : undefined,
    mtime: f.timeModify ? nfstimeToDate(f.timeModify) : undefined,
    ctime: f.timeMetadata ? nfstimeToDate(f.timeMetadata) : undefined,
    fsid: f.fsid ? { major: f.fsid.major, minor: f.fsid.minor } : undefined,
    rawdev: f.rawdev ? { major: f.rawdev.specdata1, minor: f.rawdev.specdata2 } : undefined,
  };
}
