import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';
import { decodeBitmap4, encodeBitmap4, type Bitmap4 } from './bitmap.js';
import { FATTR4, IMA_DATA_MAX, NF4_VALUES, type NfsFtype4 } from './constants.js';
import { decodeAcl, decodeFsLocations4, decodeNfsacl41, encodeAcl, encodeFsLocations4, encodeNfsacl41,
  type FsLocations4, type Nfsace4, type Nfsacl41 } from './fattr-acl.js';
import {
  decodeFsid4, decodeNfsFh4, decodeNfstime4, decodeSettime4, decodeSpecdata4, decodeUtf8str,
  encodeFsid4, encodeNfsFh4, encodeNfstime4, encodeSettime4, encodeSpecdata4, encodeUtf8str,
  type Fsid4, type Nfstime4, type Settime4, type Specdata4,
} from './types.js';

/**
 * The typed attributes imafs understands, with their XDR types from RFC 8881 §5.6
 * (REQUIRED), §5.7-§5.13 (RECOMMENDED), RFC 7862 §12.2, RFC 8275, RFC 8276 and the
 * IMA draft §4.1. Every 64-bit quantity (uint64_t, changeid4, fattr4_size, ...) is
 * a bigint so no value from the wire is ever rounded; callers convert to number
 * where they know the range is safe. Attribute numbers are in `FATTR4`.
 */
export interface Fattr {
  supportedAttrs?: Bitmap4; // 0  bitmap4
  type?: NfsFtype4; // 1  nfs_ftype4
  fhExpireType?: number; // 2  uint32_t
  change?: bigint; // 3  changeid4 (uint64_t)
  size?: bigint; // 4  uint64_t
  linkSupport?: boolean; // 5
  symlinkSupport?: boolean; // 6
  namedAttr?: boolean; // 7
  fsid?: Fsid4; // 8
  uniqueHandles?: boolean; // 9
  leaseTime?: number; // 10 nfs_lease4 (uint32_t seconds)
  rdattrError?: number; // 11 nfsstat4
  acl?: Nfsace4[]; // 12 nfsace4<>
  aclSupport?: number; // 13 uint32_t
  archive?: boolean; // 14
  canSetTime?: boolean; // 15
  caseInsensitive?: boolean; // 16
  casePreserving?: boolean; // 17
  chownRestricted?: boolean; // 18
  filehandle?: Buffer; // 19 nfs_fh4
  fileid?: bigint; // 20
  filesAvail?: bigint; // 21
  filesFree?: bigint; // 22
  filesTotal?: bigint; // 23
  fsLocations?: FsLocations4; // 24
  hidden?: boolean; // 25
  homogeneous?: boolean; // 26
  maxFileSize?: bigint; // 27
  maxLink?: number; // 28
  maxName?: number; // 29
  maxRead?: bigint; // 30
  maxWrite?: bigint; // 31
  mimeType?: string; // 32 utf8str_cs
  mode?: number; // 33 mode4
  noTrunc?: boolean; // 34
  numLinks?: number; // 35
  owner?: string; // 36 utf8str_mixed
  ownerGroup?: string; // 37 utf8str_mixed
  quotaAvailHard?: bigint; // 38
  quotaAvailSoft?: bigint; // 39
  quotaUsed?: bigint; // 40
  rawdev?: Specdata4; // 41
  spaceAvail?: bigint; // 42
  spaceFree?: bigint; // 43
  spaceTotal?: bigint; // 44
  spaceUsed?: bigint; // 45
  system?: boolean; // 46
  timeAccess?: Nfstime4; // 47
  timeAccessSet?: Settime4; // 48 settime4 (SETATTR only)
  timeBackup?: Nfstime4; // 49
  timeCreate?: Nfstime4; // 50
  timeDelta?: Nfstime4; // 51
  timeMetadata?: Nfstime4; // 52
  timeModify?: Nfstime4; // 53
  timeModifySet?: Settime4; // 54 settime4 (SETATTR only)
  mountedOnFileid?: bigint; // 55
  dirNotifDelay?: Nfstime4; // 56
  direntNotifDelay?: Nfstime4; // 57
  dacl?: Nfsacl41; // 58
  sacl?: Nfsacl41; // 59
  changePolicy?: { major: bigint; minor: bigint }; // 60 change_policy4
  fsLayoutType?: number[]; // 62 layouttype4<>
  layoutBlksize?: number; // 65
  layoutAlignment?: number; // 66
  retentionHold?: bigint; // 73
  modeSetMasked?: { mode: number; mask: number }; // 74 mode_masked4 (SETATTR only)
  suppattrExclcreat?: Bitmap4; // 75
  fsCharsetCap?: number; // 76
  cloneBlksize?: number; // 77 (4.2)
  spaceFreed?: bigint; // 78 (4.2)
  changeAttrType?: number; // 79 change_attr_type4 (4.2)
  secLabel?: { lfs: number; pi: number; data: Buffer }; // 80 sec_label4 (4.2)
  modeUmask?: { mode: number; umask: number }; // 81 mode_umask4 (RFC 8275, SETATTR only)
  xattrSupport?: boolean; // 82 (RFC 8276)
  ima?: Buffer; // AttrConfig.imaAttr: ima_data4 = opaque<4096> (IMA draft §4.1)
}
export type FattrKey = keyof Fattr;

/** 'r' readable only, 'w' settable only (the *_set attributes), 'rw' both (RFC 8881 §5.6-§5.8 tables). */
export type AttrAccess = 'r' | 'w' | 'rw';

export interface AttrDesc<K extends FattrKey = FattrKey> {
  num: number;
  key: K;
  access: AttrAccess;
  enc(w: XdrWriter, v: NonNullable<Fattr[K]>): void;
  dec(r: XdrReader): NonNullable<Fattr[K]>;
}

function d<K extends FattrKey>(
  num: number, key: K, access: AttrAccess,
  enc: (w: XdrWriter, v: NonNullable<Fattr[K]>) => void, dec: (r: XdrReader) => NonNullable<Fattr[K]>,
): AttrDesc {
  return { num, key, access, enc, dec } as unknown as AttrDesc;
}

const u32 = [(w: XdrWriter, v: number) => void w.uint32(v), (r: XdrReader) => r.uint32()] as const;
const u64 = [(w: XdrWriter, v: bigint) => void w.uint64(v), (r: XdrReader) => r.uint64()] as const;
const bool = [(w: XdrWriter, v: boolean) => void w.bool(v), (r: XdrReader) => r.bool()] as const;
const time = [encodeNfstime4, decodeNfstime4] as const;
const settime = [encodeSettime4, decodeSettime4] as const;
const str = [(w: XdrWriter, v: string) => encodeUtf8str(w, v), (r: XdrReader) => decodeUtf8str(r)] as const;
const bitmap = [(w: XdrWriter, v: Bitmap4) => encodeBitmap4(w, v), (r: XdrReader) => decodeBitmap4(r)] as const;
const pair = <A extends string, B extends string>(a: A, b: B) => [
  (w: XdrWriter, v: Record<A | B, number>) => void w.uint32(v[a]).uint32(v[b]),
  (r: XdrReader) => ({ [a]: r.uint32(), [b]: r.uint32() }) as Record<A | B, number>,
] as const;
const MAX_LAYOUT_TYPES = 64;
const MAX_SEC_LABEL = 4096;

/** Standard attributes by number, ascending. FATTR4_IMA is added per AttrConfig. */
export const STANDARD_ATTRS: readonly AttrDesc[] = [
  d(FATTR4.SUPPORTED_ATTRS, 'supportedAttrs', 'r', ...bitmap),
  d(FATTR4.TYPE, 'type', 'r', (w, v) => void w.int32(v), (r) => r.enumOf<NfsFtype4>(NF4_VALUES, 'nfs_ftype4')),
  d(FATTR4.FH_EXPIRE_TYPE, 'fhExpireType', 'r', ...u32),
  d(FATTR4.CHANGE, 'change', 'r', ...u64),
  d(FATTR4.SIZE, 'size', 'rw', ...u64),
  d(FATTR4.LINK_SUPPORT, 'linkSupport', 'r', ...bool),
  d(FATTR4.SYMLINK_SUPPORT, 'symlinkSupport', 'r', ...bool),
  d(FATTR4.NAMED_ATTR, 'namedAttr', 'r', ...bool),
  d(FATTR4.FSID, 'fsid', 'r', encodeFsid4, decodeFsid4),
  d(FATTR4.UNIQUE_HANDLES, 'uniqueHandles', 'r', ...bool),
  d(FATTR4.LEASE_TIME, 'leaseTime', 'r', ...u32),
  d(FATTR4.RDATTR_ERROR, 'rdattrError', 'r', ...u32),
  d(FATTR4.ACL, 'acl', 'rw', encodeAcl, decodeAcl),
  d(FATTR4.ACLSUPPORT, 'aclSupport', 'r', ...u32),
  d(FATTR4.ARCHIVE, 'archive', 'rw', ...bool),
  d(FATTR4.CANSETTIME, 'canSetTime', 'r', ...bool),
  d(FATTR4.CASE_INSENSITIVE, 'caseInsensitive', 'r', ...bool),
  d(FATTR4.CASE_PRESERVING, 'casePreserving', 'r', ...bool),
  d(FATTR4.CHOWN_RESTRICTED, 'chownRestricted', 'r', ...bool),
  d(FATTR4.FILEHANDLE, 'filehandle', 'r', encodeNfsFh4, decodeNfsFh4),
  d(FATTR4.FILEID, 'fileid', 'r', ...u64),
  d(FATTR4.FILES_AVAIL, 'filesAvail', 'r', ...u64),
  d(FATTR4.FILES_FREE, 'filesFree', 'r', ...u64),
  d(FATTR4.FILES_TOTAL, 'filesTotal', 'r', ...u64),
  d(FATTR4.FS_LOCATIONS, 'fsLocations', 'r', encodeFsLocations4, decodeFsLocations4),
  d(FATTR4.HIDDEN, 'hidden', 'rw', ...bool),
  d(FATTR4.HOMOGENEOUS, 'homogeneous', 'r', ...bool),
  d(FATTR4.MAXFILESIZE, 'maxFileSize', 'r', ...u64),
  d(FATTR4.MAXLINK, 'maxLink', 'r', ...u32),
  d(FATTR4.MAXNAME, 'maxName', 'r', ...u32),
  d(FATTR4.MAXREAD, 'maxRead', 'r', ...u64),
  d(FATTR4.MAXWRITE, 'maxWrite', 'r', ...u64),
  d(FATTR4.MIMETYPE, 'mimeType', 'rw', ...str),
  d(FATTR4.MODE, 'mode', 'rw', ...u32),
  d(FATTR4.NO_TRUNC, 'noTrunc', 'r', ...bool),
  d(FATTR4.NUMLINKS, 'numLinks', 'r', ...u32),
  d(FATTR4.OWNER, 'owner', 'rw', ...str),
  d(FATTR4.OWNER_GROUP, 'ownerGroup', 'rw', ...str),
  d(FATTR4.QUOTA_AVAIL_HARD, 'quotaAvailHard', 'r', ...u64),
  d(FATTR4.QUOTA_AVAIL_SOFT, 'quotaAvailSoft', 'r', ...u64),
  d(FATTR4.QUOTA_USED, 'quotaUsed', 'r', ...u64),
  d(FATTR4.RAWDEV, 'rawdev', 'r', encodeSpecdata4, decodeSpecdata4),
  d(FATTR4.SPACE_AVAIL, 'spaceAvail', 'r', ...u64),
  d(FATTR4.SPACE_FREE, 'spaceFree', 'r', ...u64),
  d(FATTR4.SPACE_TOTAL, 'spaceTotal', 'r', ...u64),
  d(FATTR4.SPACE_USED, 'spaceUsed', 'r', ...u64),
  d(FATTR4.SYSTEM, 'system', 'rw', ...bool),
  d(FATTR4.TIME_ACCESS, 'timeAccess', 'r', ...time),
  d(FATTR4.TIME_ACCESS_SET, 'timeAccessSet', 'w', ...settime),
  d(FATTR4.TIME_BACKUP, 'timeBackup', 'rw', ...time),
  d(FATTR4.TIME_CREATE, 'timeCreate', 'rw', ...time),
  d(FATTR4.TIME_DELTA, 'timeDelta', 'r', ...time),
  d(FATTR4.TIME_METADATA, 'timeMetadata', 'r', ...time),
  d(FATTR4.TIME_MODIFY, 'timeModify', 'r', ...time),
  d(FATTR4.TIME_MODIFY_SET, 'timeModifySet', 'w', ...settime),
  d(FATTR4.MOUNTED_ON_FILEID, 'mountedOnFileid', 'r', ...u64),
  d(FATTR4.DIR_NOTIF_DELAY, 'dirNotifDelay', 'r', ...time),
  d(FATTR4.DIRENT_NOTIF_DELAY, 'direntNotifDelay', 'r', ...time),
  d(FATTR4.DACL, 'dacl', 'rw', encodeNfsacl41, decodeNfsacl41),
  d(FATTR4.SACL, 'sacl', 'rw', encodeNfsacl41, decodeNfsacl41),
  d(FATTR4.CHANGE_POLICY, 'changePolicy', 'r',
    (w, v) => void w.uint64(v.major).uint64(v.minor), (r) => ({ major: r.uint64(), minor: r.uint64() })),
  d(FATTR4.FS_LAYOUT_TYPE, 'fsLayoutType', 'r',
    (w, v) => void w.array(v, MAX_LAYOUT_TYPES, (ww, t) => ww.int32(t), 'layouttype4<>'),
    (r) => r.array(MAX_LAYOUT_TYPES, (rr) => rr.int32(), 'layouttype4<>')),
  d(FATTR4.LAYOUT_BLKSIZE, 'layoutBlksize', 'r', ...u32),
  d(FATTR4.LAYOUT_ALIGNMENT, 'layoutAlignment', 'r', ...u32),
  d(FATTR4.RETENTION_HOLD, 'retentionHold', 'rw', ...u64),
  d(FATTR4.MODE_SET_MASKED, 'modeSetMasked', 'w', ...pair('mode', 'mask')),
  d(FATTR4.SUPPATTR_EXCLCREAT, 'suppattrExclcreat', 'r', ...bitmap),
  d(FATTR4.FS_CHARSET_CAP, 'fsCharsetCap', 'r', ...u32),
  d(FATTR4.CLONE_BLKSIZE, 'cloneBlksize', 'r', ...u32),
  d(FATTR4.SPACE_FREED, 'spaceFreed', 'r', ...u64),
  d(FATTR4.CHANGE_ATTR_TYPE, 'changeAttrType', 'r', (w, v) => void w.int32(v), (r) => r.int32()),
  d(FATTR4.SEC_LABEL, 'secLabel', 'rw',
    (w, v) => void w.uint32(v.lfs).uint32(v.pi).opaqueVar(v.data, MAX_SEC_LABEL, 'slai_data'),
    (r) => ({ lfs: r.uint32(), pi: r.uint32(), data: r.opaqueVar(MAX_SEC_LABEL, 'slai_data') })),
  d(FATTR4.MODE_UMASK, 'modeUmask', 'w', ...pair('mode', 'umask')),
  d(FATTR4.XATTR_SUPPORT, 'xattrSupport', 'r', ...bool),
];

/** IMA draft §4.1: typedef opaque ima_data4<4096>; readable and settable (§4.3). */
export function imaAttrDesc(num: number): AttrDesc {
  return d(num, 'ima', 'rw',
    (w, v) => void w.opaqueVar(v, IMA_DATA_MAX, 'ima_data4'),
    (r) => r.opaqueVar(IMA_DATA_MAX, 'ima_data4'));
}
