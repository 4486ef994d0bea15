import { constants as osConstants } from 'node:os';

/**
 * nfsstat4 (RFC 8881 §15.1, RFC 7530 §13.1 for the 4.0-only NFS4ERR_RESOURCE,
 * RFC 7862 §11.1, RFC 8276 §8.3) and the one table from NFS status to Linux errno.
 * NFS4ERR_INTEGRITY is the IMA draft's unassigned status: 10097 unless configured.
 */
export const NFS4_OK = 0;
export const NFS4ERR = {
  PERM: 1,
  NOENT: 2,
  IO: 5,
  NXIO: 6,
  ACCESS: 13,
  EXIST: 17,
  XDEV: 18,
  NOTDIR: 20,
  ISDIR: 21,
  INVAL: 22,
  FBIG: 27,
  NOSPC: 28,
  ROFS: 30,
  MLINK: 31,
  NAMETOOLONG: 63,
  NOTEMPTY: 66,
  DQUOT: 69,
  STALE: 70,
  BADHANDLE: 10001,
  BAD_COOKIE: 10003,
  NOTSUPP: 10004,
  TOOSMALL: 10005,
  SERVERFAULT: 10006,
  BADTYPE: 10007,
  DELAY: 10008,
  SAME: 10009,
  DENIED: 10010,
  EXPIRED: 10011,
  LOCKED: 10012,
  GRACE: 10013,
  FHEXPIRED: 10014,
  SHARE_DENIED: 10015,
  WRONGSEC: 10016,
  CLID_INUSE: 10017,
  RESOURCE: 10018,
  MOVED: 10019,
  NOFILEHANDLE: 10020,
  MINOR_VERS_MISMATCH: 10021,
  STALE_CLIENTID: 10022,
  STALE_STATEID: 10023,
  OLD_STATEID: 10024,
  BAD_STATEID: 10025,
  BAD_SEQID: 10026,
  NOT_SAME: 10027,
  LOCK_RANGE: 10028,
  SYMLINK: 10029,
  RESTOREFH: 10030,
  LEASE_MOVED: 10031,
  ATTRNOTSUPP: 10032,
  NO_GRACE: 10033,
  RECLAIM_BAD: 10034,
  RECLAIM_CONFLICT: 10035,
  BADXDR: 10036,
  LOCKS_HELD: 10037,
  OPENMODE: 10038,
  BADOWNER: 10039,
  BADCHAR: 10040,
  BADNAME: 10041,
  BAD_RANGE: 10042,
  LOCK_NOTSUPP: 10043,
  OP_ILLEGAL: 10044,
  DEADLOCK: 10045,
  FILE_OPEN: 10046,
  ADMIN_REVOKED: 10047,
  CB_PATH_DOWN: 10048,
  BADIOMODE: 10049,
  BADLAYOUT: 10050,
  BAD_SESSION_DIGEST: 10051,
  BADSESSION: 10052,
  BADSLOT: 10053,
  COMPLETE_ALREADY: 10054,
  CONN_NOT_BOUND_TO_SESSION: 10055,
  DELEG_ALREADY_WANTED: 10056,
  BACK_CHAN_BUSY: 10057,
  LAYOUTTRYLATER: 10058,
  LAYOUTUNAVAILABLE: 10059,
  NOMATCHING_LAYOUT: 10060,
  RECALLCONFLICT: 10061,
  UNKNOWN_LAYOUTTYPE: 10062,
  SEQ_MISORDERED: 10063,
  SEQUENCE_POS: 10064,
  REQ_TOO_BIG: 10065,
  REP_TOO_BIG: 10066,
  REP_TOO_BIG_TO_CACHE: 10067,
  RETRY_UNCACHED_REP: 10068,
  UNSAFE_COMPOUND: 10069,
  TOO_MANY_OPS: 10070,
  OP_NOT_IN_SESSION: 10071,
  HASH_ALG_UNSUPP: 10072,
  CLIENTID_BUSY: 10074,
  PNFS_IO_HOLE: 10075,
  SEQ_FALSE_RETRY: 10076,
  BAD_HIGH_SLOT: 10077,
  DEADSESSION: 10078,
  ENCR_ALG_UNSUPP: 10079,
  PNFS_NO_LAYOUT: 10080,
  NOT_ONLY_OP: 10081,
  WRONG_CRED: 10082,
  WRONG_TYPE: 10083,
  DIRDELEG_UNAVAIL: 10084,
  REJECT_DELEG: 10085,
  RETURNCONFLICT: 10086,
  DELEG_REVOKED: 10087,
  PARTNER_NOTSUPP: 10088,
  PARTNER_NO_AUTH: 10089,
  UNION_NOTSUPP: 10090,
  OFFLOAD_DENIED: 10091,
  WRONG_LFS: 10092,
  BADLABEL: 10093,
  OFFLOAD_NO_REQS: 10094,
  NOXATTR: 10095,
  XATTR2BIG: 10096,
} as const;

/** The draft's NFS4ERR_INTEGRITY has no assigned number; imafs uses 10097 unless configured. */
export const DEFAULT_INTEGRITY_STATUS = 10097;

const NAMES: ReadonlyMap<number, string> = new Map([
  [NFS4_OK, 'NFS4_OK'],
  ...Object.entries(NFS4ERR).map(([k, v]) => [v, `NFS4ERR_${k}`] as [number, string]),
]);

/**
 * The RFC name of a status ("NFS4ERR_NOENT"). The configured integrity number wins
 * over a standard name only when it does not collide with one (a collision is a
 * configuration mistake that `validateIntegrityStatus` refuses).
 */
export function statusName(status: number, integrityStatus = DEFAULT_INTEGRITY_STATUS): string {
  const std = NAMES.get(status);
  if (std !== undefined) return std;
  if (status === integrityStatus) return 'NFS4ERR_INTEGRITY';
  return `NFS4ERR_UNKNOWN_${status}`;
}

/** Whether `status` is a number some RFC assigns (the integrity number excluded). */
export function isStandardStatus(status: number): boolean {
  return NAMES.has(status);
}

/** An integrity status must be a uint32 no RFC already uses, else names and errno would be ambiguous. */
export function validateIntegrityStatus(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) return `integrity status ${n} is not a positive 32-bit number`;
  if (NAMES.has(n)) return `integrity status ${n} is already ${NAMES.get(n)}`;
  return undefined;
}

const E = osConstants.errno;

/**
 * The one table from nfsstat4 to Linux errno (numbers from os.constants.errno), used
 * by the FUSE layer and the CLI. Modelled on libnfs's nfsstat4_to_errno and the Linux
 * client's nfs4_stat_to_errno: a status a file system caller can act on gets its
 * POSIX meaning; protocol/state trouble the client could not recover from is EIO.
 * NFS4ERR_INTEGRITY (draft §5) means "the server refuses this content": EACCES.
 * (SERVERFAULT, RESOURCE and MOVED fall to EIO: Node exposes no EREMOTEIO/EREMOTE.)
 */
const ERRNO: ReadonlyMap<number, number> = new Map<number, number>([
  [NFS4_OK, 0],
  [NFS4ERR.PERM, E.EPERM],
  [NFS4ERR.NOENT, E.ENOENT],
  [NFS4ERR.IO, E.EIO],
  [NFS4ERR.NXIO, E.ENXIO],
  [NFS4ERR.ACCESS, E.EACCES],
  [NFS4ERR.EXIST, E.EEXIST],
  [NFS4ERR.XDEV, E.EXDEV],
  [NFS4ERR.NOTDIR, E.ENOTDIR],
  [NFS4ERR.ISDIR, E.EISDIR],
  [NFS4ERR.INVAL, E.EINVAL],
  [NFS4ERR.FBIG, E.EFBIG],
  [NFS4ERR.NOSPC, E.ENOSPC],
  [NFS4ERR.ROFS, E.EROFS],
  [NFS4ERR.MLINK, E.EMLINK],
  [NFS4ERR.NAMETOOLONG, E.ENAMETOOLONG],
  [NFS4ERR.NOTEMPTY, E.ENOTEMPTY],
  [NFS4ERR.DQUOT, E.EDQUOT],
  [NFS4ERR.STALE, E.ESTALE],
  [NFS4ERR.FHEXPIRED, E.ESTALE],
  [NFS4ERR.BADHANDLE, E.EBADF],
  [NFS4ERR.BAD_COOKIE, E.EBADF],
  [NFS4ERR.NOTSUPP, E.EOPNOTSUPP],
  [NFS4ERR.ATTRNOTSUPP, E.EOPNOTSUPP],
  [NFS4ERR.TOOSMALL, E.EINVAL],
  [NFS4ERR.BADTYPE, E.EINVAL],
  [NFS4ERR.DELAY, E.EAGAIN],
  [NFS4ERR.GRACE, E.EAGAIN],
  [NFS4ERR.LOCKED, E.EAGAIN],
  [NFS4ERR.DENIED, E.EAGAIN],
  [NFS4ERR.SHARE_DENIED, E.EACCES],
  [NFS4ERR.OPENMODE, E.EACCES],
  [NFS4ERR.WRONGSEC, E.EPERM],
  [NFS4ERR.SYMLINK, E.ELOOP],
  [NFS4ERR.BADOWNER, E.EINVAL],
  [NFS4ERR.BADCHAR, E.EINVAL],
  [NFS4ERR.BADNAME, E.EINVAL],
  [NFS4ERR.BAD_RANGE, E.EINVAL],
  [NFS4ERR.LOCK_RANGE, E.EINVAL],
  [NFS4ERR.LOCK_NOTSUPP, E.EOPNOTSUPP],
  [NFS4ERR.DEADLOCK, E.EDEADLK],
  [NFS4ERR.FILE_OPEN, E.EBUSY],
  [NFS4ERR.REQ_TOO_BIG, E.EINVAL],
  [NFS4ERR.REP_TOO_BIG, E.EINVAL],
  [NFS4ERR.TOO_MANY_OPS, E.EINVAL],
  [NFS4ERR.WRONG_TYPE, E.EINVAL],
  [NFS4ERR.NOXATTR, E.ENODATA],
  [NFS4ERR.XATTR2BIG, E.E2BIG],
  [NFS4ERR.MINOR_VERS_MISMATCH, E.EPROTONOSUPPORT],
  [NFS4ERR.BADXDR, E.EPROTO],
  [NFS4ERR.OP_ILLEGAL, E.EPROTO],
]);

/**
 * Linux errno for an NFS status. `integrityStatus` is the configured NFS4ERR_INTEGRITY
 * number (default 10097); every status not in the table is EIO.
 */
export function errnoForStatus(status: number, integrityStatus = DEFAULT_INTEGRITY_STATUS): number {
  const std = ERRNO.get(status);
  if (std !== undefined) return std;
  if (status === integrityStatus) return E.EACCES;
  return E.EIO;
}
