/**
 * NFSv4.x protocol constants: RFC 8881 §18 / its XDR (RFC 8881 §2 of RFC 5662),
 * RFC 7862/7863 (4.2), RFC 7530 (4.0), RFC 8276 (xattrs), and the IMA draft.
 * Values are the wire numbers; names keep the RFC spelling minus the prefix.
 */

/** ONC RPC program and version of NFSv4 (RFC 8881 §16.1). */
export const NFS4_PROGRAM = 100003;
export const NFS_V4 = 4;
/** The only procedures of program 100003 version 4 (RFC 8881 §16). */
export const NFSPROC4_NULL = 0;
export const NFSPROC4_COMPOUND = 1;

/* Sizes (RFC 8881 §2 "const" declarations of the XDR). */
export const NFS4_FHSIZE = 128;
export const NFS4_VERIFIER_SIZE = 8;
export const NFS4_OTHER_SIZE = 12;
export const NFS4_OPAQUE_LIMIT = 1024;
export const NFS4_SESSIONID_SIZE = 16;
/** draft-ietf-nfsv4-integrity-measurement §4.1: `typedef opaque ima_data4<4096>`. */
export const IMA_DATA_MAX = 4096;

/** nfs_opnum4 (RFC 8881 §16.2.1, RFC 7862 §15.1, RFC 8276 §8.4). */
export const OP = {
  ACCESS: 3,
  CLOSE: 4,
  COMMIT: 5,
  CREATE: 6,
  DELEGPURGE: 7,
  DELEGRETURN: 8,
  GETATTR: 9,
  GETFH: 10,
  LINK: 11,
  LOCK: 12,
  LOCKT: 13,
  LOCKU: 14,
  LOOKUP: 15,
  LOOKUPP: 16,
  NVERIFY: 17,
  OPEN: 18,
  OPENATTR: 19,
  OPEN_CONFIRM: 20,
  OPEN_DOWNGRADE: 21,
  PUTFH: 22,
  PUTPUBFH: 23,
  PUTROOTFH: 24,
  READ: 25,
  READDIR: 26,
  READLINK: 27,
  REMOVE: 28,
  RENAME: 29,
  RENEW: 30,
  RESTOREFH: 31,
  SAVEFH: 32,
  SECINFO: 33,
  SETATTR: 34,
  SETCLIENTID: 35,
  SETCLIENTID_CONFIRM: 36,
  VERIFY: 37,
  WRITE: 38,
  RELEASE_LOCKOWNER: 39,
  BACKCHANNEL_CTL: 40,
  BIND_CONN_TO_SESSION: 41,
  EXCHANGE_ID: 42,
  CREATE_SESSION: 43,
  DESTROY_SESSION: 44,
  FREE_STATEID: 45,
  GET_DIR_DELEGATION: 46,
  GETDEVICEINFO: 47,
  GETDEVICELIST: 48,
  LAYOUTCOMMIT: 49,
  LAYOUTGET: 50,
  LAYOUTRETURN: 51,
  SECINFO_NO_NAME: 52,
  SEQUENCE: 53,
  SET_SSV: 54,
  TEST_STATEID: 55,
  WANT_DELEGATION: 56,
  DESTROY_CLIENTID: 57,
  RECLAIM_COMPLETE: 58,
  ALLOCATE: 59,
  COPY: 60,
  COPY_NOTIFY: 61,
  DEALLOCATE: 62,
  IO_ADVISE: 63,
  LAYOUTERROR: 64,
  LAYOUTSTATS: 65,
  OFFLOAD_CANCEL: 66,
  OFFLOAD_STATUS: 67,
  READ_PLUS: 68,
  SEEK: 69,
  WRITE_SAME: 70,
  CLONE: 71,
  GETXATTR: 72,
  SETXATTR: 73,
  LISTXATTRS: 74,
  REMOVEXATTR: 75,
  ILLEGAL: 10044,
} as const;
export type OpName = keyof typeof OP;

const OP_NAMES: ReadonlyMap<number, OpName> = new Map(
  (Object.entries(OP) as [OpName, number][]).map(([k, v]) => [v, k]),
);

/** "READ" for 25; "OP_<n>" for a number no RFC defines. */
export function opName(op: number): string {
  return OP_NAMES.get(op) ?? `OP_${op}`;
}

/**
 * Whether `op` is an operation defined for `minorVersion` (RFC 7530 §16.2.3 for 4.0,
 * RFC 8881 §16.2.3 for 4.1, RFC 7862 §15 / RFC 8276 for 4.2). A server answers an
 * undefined one with NFS4ERR_OP_ILLEGAL, a defined one it lacks with NFS4ERR_NOTSUPP.
 * v4.1 made OPEN_CONFIRM, RENEW, SETCLIENTID(_CONFIRM), RELEASE_LOCKOWNER
 * "MUST NOT implement" (answered NFS4ERR_NOTSUPP), so they stay defined.
 */
export function isDefinedOp(op: number, minorVersion: number): boolean {
  const last = minorVersion === 0 ? OP.RELEASE_LOCKOWNER : minorVersion === 1 ? OP.RECLAIM_COMPLETE : OP.REMOVEXATTR;
  return op >= OP.ACCESS && op <= last;
}

/** nfs_ftype4 (RFC 8881 §3.3.5 / attribute 1). */
export const NF4 = {
  REG: 1,
  DIR: 2,
  BLK: 3,
  CHR: 4,
  LNK: 5,
  SOCK: 6,
  FIFO: 7,
  ATTRDIR: 8,
  NAMEDATTR: 9,
} as const;
export type NfsFtype4 = (typeof NF4)[keyof typeof NF4];
export const NF4_VALUES: ReadonlySet<number> = new Set(Object.values(NF4));

/** Lower-case words for nfs_ftype4, as the CLI and NfsStat print them. */
export function ftypeName(t: number): string {
  switch (t) {
    case NF4.REG: return 'file';
    case NF4.DIR: return 'directory';
    case NF4.BLK: return 'block';
    case NF4.CHR: return 'char';
    case NF4.LNK: return 'symlink';
    case NF4.SOCK: return 'socket';
    case NF4.FIFO: return 'fifo';
    case NF4.ATTRDIR: return 'attrdir';
    case NF4.NAMEDATTR: return 'namedattr';
    default: return `type-${t}`;
  }
}

/**
 * Attribute numbers (RFC 8881 §5.6-§5.13 table, RFC 7862 §12.2, RFC 8275, RFC 8276).
 * FATTR4_IMA has no number assigned; it is `AttrConfig.imaAttr`, default 93.
 */
export const FATTR4 = {
  SUPPORTED_ATTRS: 0,
  TYPE: 1,
  FH_EXPIRE_TYPE: 2,
  CHANGE: 3,
  SIZE: 4,
  LINK_SUPPORT: 5,
  SYMLINK_SUPPORT: 6,
  NAMED_ATTR: 7,
  FSID: 8,
  UNIQUE_HANDLES: 9,
  LEASE_TIME: 10,
  RDATTR_ERROR: 11,
  ACL: 12,
  ACLSUPPORT: 13,
  ARCHIVE: 14,
  CANSETTIME: 15,
  CASE_INSENSITIVE: 16,
  CASE_PRESERVING: 17,
  CHOWN_RESTRICTED: 18,
  FILEHANDLE: 19,
  FILEID: 20,
  FILES_AVAIL: 21,
  FILES_FREE: 22,
  FILES_TOTAL: 23,
  FS_LOCATIONS: 24,
  HIDDEN: 25,
  HOMOGENEOUS: 26,
  MAXFILESIZE: 27,
  MAXLINK: 28,
  MAXNAME: 29,
  MAXREAD: 30,
  MAXWRITE: 31,
  MIMETYPE: 32,
  MODE: 33,
  NO_TRUNC: 34,
  NUMLINKS: 35,
  OWNER: 36,
  OWNER_GROUP: 37,
  QUOTA_AVAIL_HARD: 38,
  QUOTA_AVAIL_SOFT: 39,
  QUOTA_USED: 40,
  RAWDEV: 41,
  SPACE_AVAIL: 42,
  SPACE_FREE: 43,
  SPACE_TOTAL: 44,
  SPACE_USED: 45,
  SYSTEM: 46,
  TIME_ACCESS: 47,
  TIME_ACCESS_SET: 48,
  TIME_BACKUP: 49,
  TIME_CREATE: 50,
  TIME_DELTA: 51,
  TIME_METADATA: 52,
  TIME_MODIFY: 53,
  TIME_MODIFY_SET: 54,
  MOUNTED_ON_FILEID: 55,
  DIR_NOTIF_DELAY: 56,
  DIRENT_NOTIF_DELAY: 57,
  DACL: 58,
  SACL: 59,
  CHANGE_POLICY: 60,
  FS_STATUS: 61,
  FS_LAYOUT_TYPE: 62,
  LAYOUT_HINT: 63,
  LAYOUT_TYPE: 64,
  LAYOUT_BLKSIZE: 65,
  LAYOUT_ALIGNMENT: 66,
  FS_LOCATIONS_INFO: 67,
  MDSTHRESHOLD: 68,
  RETENTION_GET: 69,
  RETENTION_SET: 70,
  RETENTEVT_GET: 71,
  RETENTEVT_SET: 72,
  RETENTION_HOLD: 73,
  MODE_SET_MASKED: 74,
  SUPPATTR_EXCLCREAT: 75,
  FS_CHARSET_CAP: 76,
  CLONE_BLKSIZE: 77,
  SPACE_FREED: 78,
  CHANGE_ATTR_TYPE: 79,
  SEC_LABEL: 80,
  MODE_UMASK: 81,
  XATTR_SUPPORT: 82,
} as const;

/** The draft leaves FATTR4_IMA unassigned; imafs uses 93 unless configured. */
export const DEFAULT_IMA_ATTR = 93;

/** OPEN share_access / share_deny and 4.1 "want" bits (RFC 8881 §18.16.1). */
export const OPEN4_SHARE_ACCESS_READ = 0x1;
export const OPEN4_SHARE_ACCESS_WRITE = 0x2;
export const OPEN4_SHARE_ACCESS_BOTH = 0x3;
export const OPEN4_SHARE_DENY_NONE = 0x0;
export const OPEN4_SHARE_DENY_READ = 0x1;
export const OPEN4_SHARE_DENY_WRITE = 0x2;
export const OPEN4_SHARE_DENY_BOTH = 0x3;
export const OPEN4_SHARE_ACCESS_WANT_DELEG_MASK = 0xff00;
export const OPEN4_SHARE_ACCESS_WANT_NO_PREFERENCE = 0x0000;
export const OPEN4_SHARE_ACCESS_WANT_READ_DELEG = 0x0100;
export const OPEN4_SHARE_ACCESS_WANT_WRITE_DELEG = 0x0200;
export const OPEN4_SHARE_ACCESS_WANT_ANY_DELEG = 0x0300;
export const OPEN4_SHARE_ACCESS_WANT_NO_DELEG = 0x0400;
export const OPEN4_SHARE_ACCESS_WANT_CANCEL = 0x0500;
export const OPEN4_SHARE_ACCESS_WANT_SIGNAL_DELEG_WHEN_RESRC_AVAIL = 0x10000;
export const OPEN4_SHARE_ACCESS_WANT_PUSH_DELEG_WHEN_UNCONTENDED = 0x20000;

/** opentype4, createmode4, open_claim_type4, open_delegation_type4 (RFC 8881 §18.16.1). */
export const OPEN4_NOCREATE = 0;
export const OPEN4_CREATE = 1;
export const UNCHECKED4 = 0;
export const GUARDED4 = 1;
export const EXCLUSIVE4 = 2;
export const EXCLUSIVE4_1 = 3;
export const CLAIM_NULL = 0;
export const CLAIM_PREVIOUS = 1;
export const CLAIM_DELEGATE_CUR = 2;
export const CLAIM_DELEGATE_PREV = 3;
export const CLAIM_FH = 4;
export const CLAIM_DELEG_CUR_FH = 5;
export const CLAIM_DELEG_PREV_FH = 6;
export const OPEN_DELEGATE_NONE = 0;
export const OPEN_DELEGATE_READ = 1;
export const OPEN_DELEGATE_WRITE = 2;
export const OPEN_DELEGATE_NONE_EXT = 3;
/** OPEN4resok.rflags (RFC 8881 §18.16.1). */
export const OPEN4_RESULT_CONFIRM = 0x2;
export const OPEN4_RESULT_LOCKTYPE_POSIX = 0x4;
export const OPEN4_RESULT_PRESERVE_UNLINKED = 0x8;
export const OPEN4_RESULT_MAY_NOTIFY_LOCK = 0x20;
/** why_no_delegation4 (RFC 8881 §18.16.1). */
export const WND4_NOT_WANTED = 0;
export const WND4_CONTENTION = 1;
export const WND4_RESOURCE = 2;
export const WND4_NOT_SUPP_FTYPE = 3;
export const WND4_WRITE_DELEG_NOT_SUPP_FTYPE = 4;
export const WND4_NOT_SUPP_UPGRADE = 5;
export const WND4_NOT_SUPP_DOWNGRADE = 6;
export const WND4_CANCELLED = 7;
export const WND4_IS_DIR = 8;
/** limit_by4 (RFC 8881 §18.16.1). */
export const NFS_LIMIT_SIZE = 1;
export const NFS_LIMIT_BLOCKS = 2;

/** ACCESS4 bits (RFC 8881 §18.1.1; XA* from RFC 8276 §8.4.1). */
export const ACCESS4_READ = 0x01;
export const ACCESS4_LOOKUP = 0x02;
export const ACCESS4_MODIFY = 0x04;
export const ACCESS4_EXTEND = 0x08;
export const ACCESS4_DELETE = 0x10;
export const ACCESS4_EXECUTE = 0x20;
export const ACCESS4_XAREAD = 0x40;
export const ACCESS4_XAWRITE = 0x80;
export const ACCESS4_XALIST = 0x100;

/** EXCHANGE_ID eia_flags / eir_flags (RFC 8881 §18.35.1). */
export const EXCHGID4_FLAG_SUPP_MOVED_REFER = 0x00000001;
export const EXCHGID4_FLAG_SUPP_MOVED_MIGR = 0x00000002;
export const EXCHGID4_FLAG_SUPP_FENCE_OPS = 0x00000004; // RFC 8881 (not in RFC 5661)
export const EXCHGID4_FLAG_BIND_PRINC_STATEID = 0x00000100;
export const EXCHGID4_FLAG_USE_NON_PNFS = 0x00010000;
export const EXCHGID4_FLAG_USE_PNFS_MDS = 0x00020000;
export const EXCHGID4_FLAG_USE_PNFS_DS = 0x00040000;
export const EXCHGID4_FLAG_MASK_PNFS = 0x00070000;
export const EXCHGID4_FLAG_UPD_CONFIRMED_REC_A = 0x40000000;
export const EXCHGID4_FLAG_CONFIRMED_R = 0x80000000;

/** state_protect_how4 (RFC 8881 §18.35.1). */
export const SP4_NONE = 0;
export const SP4_MACH_CRED = 1;
export const SP4_SSV = 2;

/** CREATE_SESSION csa_flags (RFC 8881 §18.36.1). */
export const CREATE_SESSION4_FLAG_PERSIST = 0x1;
export const CREATE_SESSION4_FLAG_CONN_BACK_CHAN = 0x2;
export const CREATE_SESSION4_FLAG_CONN_RDMA = 0x4;

/** SEQUENCE sr_status_flags (RFC 8881 §18.46.3). */
export const SEQ4_STATUS_CB_PATH_DOWN = 0x1;
export const SEQ4_STATUS_CB_GSS_CONTEXTS_EXPIRING = 0x2;
export const SEQ4_STATUS_CB_GSS_CONTEXTS_EXPIRED = 0x4;
export const SEQ4_STATUS_EXPIRED_ALL_STATE_REVOKED = 0x8;
export const SEQ4_STATUS_EXPIRED_SOME_STATE_REVOKED = 0x10;
export const SEQ4_STATUS_ADMIN_STATE_REVOKED = 0x20;
export const SEQ4_STATUS_RECALLABLE_STATE_REVOKED = 0x40;
export const SEQ4_STATUS_LEASE_MOVED = 0x80;
export const SEQ4_STATUS_RESTART_RECLAIM_NEEDED = 0x100;
export const SEQ4_STATUS_CB_PATH_DOWN_SESSION = 0x200;
export const SEQ4_STATUS_BACKCHANNEL_FAULT = 0x400;
export const SEQ4_STATUS_DEVID_CHANGED = 0x800;
export const SEQ4_STATUS_DEVID_DELETED = 0x1000;

/** RPC auth flavors used by callback_sec_parms4 and secinfo4 (RFC 5531, RFC 2203). */
export const AUTH_NONE = 0;
export const AUTH_SYS = 1;
export const RPCSEC_GSS = 6;
/** rpc_gss_svc_t (RFC 2203 §5). */
export const RPC_GSS_SVC_NONE = 1;
export const RPC_GSS_SVC_INTEGRITY = 2;
export const RPC_GSS_SVC_PRIVACY = 3;

/** secinfo_style4 (RFC 8881 §18.45.1). */
export const SECINFO_STYLE4_CURRENT_FH = 0;
export const SECINFO_STYLE4_PARENT = 1;

/** fh_expire_type bits (RFC 8881 §4.2.1). */
export const FH4_PERSISTENT = 0x00;
export const FH4_NOEXPIRE_WITH_OPEN = 0x01;
export const FH4_VOLATILE_ANY = 0x02;
export const FH4_VOL_MIGRATION = 0x04;
export const FH4_VOL_RENAME = 0x08;

/** time_how4 for settime4 (RFC 8881 §3.3.7). */
export const SET_TO_SERVER_TIME4 = 0;
export const SET_TO_CLIENT_TIME4 = 1;

/**
 * Special stateids (RFC 8881 §8.2.3): all-zero is the anonymous stateid; all-ones
 * (seqid 0xffffffff, other all 0xff) bypasses share reservations for READ; seqid 1
 * with all-zero other is "current stateid" (4.1).
 */
export const ANONYMOUS_STATEID = Object.freeze({ seqid: 0, other: Buffer.alloc(NFS4_OTHER_SIZE, 0) });
export const READ_BYPASS_STATEID = Object.freeze({ seqid: 0xffffffff, other: Buffer.alloc(NFS4_OTHER_SIZE, 0xff) });
export const CURRENT_STATEID = Object.freeze({ seqid: 1, other: Buffer.alloc(NFS4_OTHER_SIZE, 0) });
