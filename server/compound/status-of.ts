/**
 * The one mapping from what an op handler threw to the nfsstat4 it answers.
 * Filesystem failures (FsError kinds) map one to one; anything else is a
 * server bug and becomes NFS4ERR_SERVERFAULT (and is logged by the caller).
 */
import { XdrError } from '../../client/errors.js';
import { NFS4ERR } from '../../client/nfs4/status.js';
import { NfsStatus } from '../errors.js';
import { FsError, type FsErrorKind } from '../fs/fs-error.js';

const BY_KIND: Record<FsErrorKind, number> = {
  NOENT: NFS4ERR.NOENT,
  NOTDIR: NFS4ERR.NOTDIR,
  ISDIR: NFS4ERR.ISDIR,
  STALE: NFS4ERR.STALE,
  BADHANDLE: NFS4ERR.BADHANDLE,
  BADNAME: NFS4ERR.BADNAME,
  BADCHAR: NFS4ERR.BADCHAR,
  NAMETOOLONG: NFS4ERR.NAMETOOLONG,
  INVAL: NFS4ERR.INVAL,
  ACCESS: NFS4ERR.ACCESS,
  SYMLINK: NFS4ERR.SYMLINK,
  WRONG_TYPE: NFS4ERR.WRONG_TYPE,
  NOT_SAME: NFS4ERR.NOT_SAME,
  BAD_COOKIE: NFS4ERR.BAD_COOKIE,
  IO: NFS4ERR.IO,
  PERM: NFS4ERR.PERM,
  NOSPC: NFS4ERR.NOSPC,
  ROFS: NFS4ERR.ROFS,
};

/** The status for a thrown value, and whether it was unexpected (a bug to log). */
export function statusOf(err: unknown): { status: number; unexpected: boolean } {
  if (err instanceof NfsStatus) return { status: err.status, unexpected: false };
  if (err instanceof FsError) return { status: BY_KIND[err.kind], unexpected: err.kind === 'IO' };
  if (err instanceof XdrError) return { status: NFS4ERR.BADXDR, unexpected: false };
  return { status: NFS4ERR.SERVERFAULT, unexpected: true };
}
