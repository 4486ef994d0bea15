/**
 * From a failure in the mount to (errno, log reason). NFS statuses go through
 * the client's one table (errnoForStatus); NFS4ERR_INTEGRITY and NFS4ERR_ACCESS
 * both become EACCES but keep distinct reasons in the log, so an operator can
 * tell "the server refused this content" from "the server refused this user".
 */
import { constants } from 'node:os';
import { errnoForStatus, statusName } from '../../client/nfs4/status.js';

const E = constants.errno;

export interface ErrnoReason {
  /** Positive Linux errno. */
  errno: number;
  /** Stable short code for the log ("nfs-integrity", "nfs-access", "cache-full", ...). */
  code: string;
  reason: string;
}

export function errnoFor(err: unknown, integrityStatus: number): ErrnoReason {
  const e = err as { code?: string; status?: number; message?: string; errno?: number };
  if (e && typeof e.status === 'number' && e.code === 'IMAFS_NFS_STATUS') {
    const name = statusName(e.status, integrityStatus);
    if (e.status === integrityStatus) return { errno: E.EACCES, code: 'nfs-integrity', reason: `server refused the content (${name})` };
    if (name === 'NFS4ERR_ACCESS') return { errno: E.EACCES, code: 'nfs-access', reason: `server denied access (${name})` };
    return { errno: errnoForStatus(e.status, integrityStatus), code: 'nfs-status', reason: name };
  }
  switch (e?.code) {
    case 'IMAFS_CACHE_FULL':
      return { errno: E.EFBIG, code: 'cache-full', reason: e.message ?? 'cache full' };
    case 'IMAFS_CONTENT_CHANGING':
      return { errno: E.EIO, code: 'changed-during-fetch', reason: e.message ?? 'changed during fetch' };
    case 'IMAFS_RPC_TIMEOUT':
      return { errno: E.ETIMEDOUT, code: 'nfs-timeout', reason: e.message ?? 'NFS timeout' };
    case 'ENOENT':
      return { errno: E.ENOENT, code: 'local', reason: e.message ?? 'no such file' };
    default:
      if (e instanceof FsErrno) return { errno: e.errno!, code: 'fs', reason: e.message };
      return { errno: E.EIO, code: 'internal', reason: e?.message ?? String(err) };
  }
}

/** A plain errno the file system core raises itself (EROFS on writes, EISDIR...). */
export class FsErrno extends Error {
  readonly errno: number;
  constructor(errno: keyof typeof E | number, message?: string) {
    super(message ?? String(errno));
    this.name = 'FsErrno';
    this.errno = typeof errno === 'number' ? errno : E[errno];
  }
}
