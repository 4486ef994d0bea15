/**
 * Errors of the mount (appraiser/fuse). They extend the appraiser family's base
 * class in spirit: a stable string code, a message naming what failed, a cause.
 * Option mistakes use IMAFS_CONFIG so bin/exit-codes.ts maps them to exit 2.
 *
 *   IMAFS_CONFIG            a bad mount option (-o or flag)
 *   IMAFS_MOUNT_FAILED      FUSE refused the mount (mountpoint busy, not a directory...)
 *   IMAFS_NOT_MOUNTED       `imafs umount` found no imafs mount and no daemon there
 *   IMAFS_CACHE_FULL        a file does not fit in --cache-size
 *   IMAFS_CONTENT_CHANGING  a file kept changing on the server while it was fetched
 *   IMAFS_DAEMON            the background daemon failed to start or to stop
 */
export type MountErrorCode =
  | 'IMAFS_CONFIG'
  | 'IMAFS_MOUNT_FAILED'
  | 'IMAFS_NOT_MOUNTED'
  | 'IMAFS_CACHE_FULL'
  | 'IMAFS_CONTENT_CHANGING'
  | 'IMAFS_DAEMON';

export class MountError extends Error {
  readonly code: MountErrorCode;
  constructor(code: MountErrorCode, message: string, ctx: { cause?: unknown } = {}) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = 'MountError';
    this.code = code;
  }
}
