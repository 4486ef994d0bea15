/**
 * Failures of the export filesystem layer, named independently of NFS status
 * numbers so this layer stays a plain filesystem model; server/ops maps them
 * to nfsstat4 (server/ops/status-of.ts).
 */
export type FsErrorKind =
  | 'NOENT'
  | 'NOTDIR'
  | 'ISDIR'
  | 'STALE'
  | 'BADHANDLE'
  | 'BADNAME'
  | 'BADCHAR'
  | 'NAMETOOLONG'
  | 'INVAL'
  | 'ACCESS'
  | 'SYMLINK'
  | 'WRONG_TYPE'
  | 'NOT_SAME'
  | 'BAD_COOKIE'
  | 'IO'
  | 'PERM'
  | 'NOSPC'
  | 'ROFS';

export class FsError extends Error {
  readonly kind: FsErrorKind;
  constructor(kind: FsErrorKind, message: string) {
    super(message);
    this.name = 'FsError';
    this.kind = kind;
  }
}

/** Maps a Node.js system error (err.code) to an FsError; anything unknown is IO. */
export function fsErrorFrom(err: unknown, what: string): FsError {
  if (err instanceof FsError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new FsError('NOENT', `${what}: no such file`);
    case 'ENOTDIR':
      return new FsError('NOTDIR', `${what}: not a directory`);
    case 'EISDIR':
      return new FsError('ISDIR', `${what}: is a directory`);
    case 'ELOOP':
      return new FsError('SYMLINK', `${what}: is a symbolic link`);
    case 'EACCES':
      return new FsError('ACCESS', `${what}: permission denied`);
    case 'EPERM':
      return new FsError('PERM', `${what}: operation not permitted`);
    case 'ENAMETOOLONG':
      return new FsError('NAMETOOLONG', `${what}: name too long`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new FsError('NOSPC', `${what}: no space`);
    case 'EROFS':
      return new FsError('ROFS', `${what}: read-only filesystem`);
    case 'EINVAL':
    case 'E2BIG':
    case 'ERANGE':
      return new FsError('INVAL', `${what}: invalid argument`);
    case 'ESTALE':
      return new FsError('STALE', `${what}: stale`);
    default:
      return new FsError('IO', `${what}: ${(err as Error)?.message ?? String(err)}`);
  }
}
