import { XdrError } from './errors.js';
import { FATTR4, ftypeName, NF4_VALUES, type NfsFtype4 } from './nfs4/constants.js';
import { decodeFattr, type AttrConfig, type Fattr, type RawFattr } from './nfs4/fattr.js';
import { decodeFsid4, decodeUtf8str, nfstimeToDate } from './nfs4/types.js';
import { XdrReader } from './xdr/xdr-reader.js';

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

const STAT_SET: ReadonlySet<number> = new Set(STAT_ATTRS);

/**
 * RFC 8881 §3.3.8-§3.3.9 fattr4 attr_vals, in mask order, for the STAT_ATTRS
 * bits (§5.6-§5.8 types: nfs_ftype4, changeid4, uint64_t size and fileid,
 * fsid4 {uint64 major; uint64 minor}, mode4, uint32 numlinks, utf8str_mixed
 * owner/owner_group, specdata4 rawdev, nfstime4 {int64 seconds; uint32
 * nseconds} times) decoded straight into an NfsStat: the same result and the
 * same checks as statFromFattr(decodeFattr(raw)), without the intermediate
 * Fattr, nfstime4 objects and bigint seconds (stat() runs at every open of
 * the mount). Any other bit takes the general decoder.
 */
export function statFromRaw(raw: RawFattr, cfg: AttrConfig): NfsStat {
  for (const b of raw.attrmask) if (!STAT_SET.has(b)) return statFromFattr(decodeFattr(raw, cfg));
  const r = new XdrReader(raw.attrVals);
  const st: NfsStat = {
    type: 'unknown', size: 0, mode: 0, numlinks: 0, owner: '', ownerGroup: '', uid: undefined, gid: undefined,
    fileid: 0n, change: 0n, atime: undefined, mtime: undefined, ctime: undefined, fsid: undefined, rawdev: undefined,
  };
  for (const b of raw.attrmask) {
    switch (b) {
      case FATTR4.TYPE: st.type = ftypeName(r.enumOf<NfsFtype4>(NF4_VALUES, 'nfs_ftype4')); break;
      case FATTR4.CHANGE: st.change = r.uint64(); break;
      case FATTR4.SIZE: st.size = Number(r.uint64()); break;
      case FATTR4.FSID: st.fsid = decodeFsid4(r); break;
      case FATTR4.FILEID: st.fileid = r.uint64(); break;
      case FATTR4.MODE: st.mode = r.uint32(); break;
      case FATTR4.NUMLINKS: st.numlinks = r.uint32(); break;
      case FATTR4.OWNER: st.owner = decodeUtf8str(r); st.uid = numericId(st.owner); break;
      case FATTR4.OWNER_GROUP: st.ownerGroup = decodeUtf8str(r); st.gid = numericId(st.ownerGroup); break;
      case FATTR4.RAWDEV: st.rawdev = { major: r.uint32(), minor: r.uint32() }; break;
      case FATTR4.TIME_ACCESS: st.atime = timeOf(r); break;
      case FATTR4.TIME_METADATA: st.ctime = timeOf(r); break;
      case FATTR4.TIME_MODIFY: st.mtime = timeOf(r); break;
    }
  }
  r.assertEnd('fattr4 attr_vals');
  return st;
}

/** nfstime4 (RFC 8881 §3.3.1) as a Date like nfstimeToDate: the int64 seconds as hi * 2^32 + lo, which rounds as Number(bigint) does. */
function timeOf(r: XdrReader): Date {
  const hi = r.int32();
  const lo = r.uint32();
  const at = r.offset;
  const ns = r.uint32();
  if (ns > 999_999_999) throw new XdrError('IMAFS_XDR_BAD_VALUE', `nfstime4: nseconds ${ns} >= 1e9`, at);
  return new Date((hi * 4294967296 + lo) * 1000 + Math.floor(ns / 1e6));
}
