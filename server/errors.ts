/**
 * The server package's one error family. Two kinds of failure live here:
 *
 * - `ImafsServerError`: configuration, listening, export problems, with a
 *   stable string `code` (docs/server.md lists them). The CLI maps
 *   `IMAFS_SERVER_CONFIG` to exit code 2.
 * - `NfsStatus`: an operation's nfsstat4 result, thrown inside op handlers so
 *   the COMPOUND loop can stop at the first failure (RFC 8881 §16.2.3). It is
 *   a value sent to the client, never a crash of the server.
 */

export type ServerErrorCode =
  | 'IMAFS_SERVER_CONFIG'
  | 'IMAFS_SERVER_EXPORT'
  | 'IMAFS_SERVER_LISTEN'
  | 'IMAFS_SERVER_KEYS';

export class ImafsServerError extends Error {
  readonly code: ServerErrorCode;
  constructor(code: ServerErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ImafsServerError';
    this.code = code;
  }
}

/** An NFSv4 status for the current operation (not an exception of the server). */
export class NfsStatus extends Error {
  readonly status: number;
  constructor(status: number, why = '') {
    super(why || `nfsstat4 ${status}`);
    this.name = 'NfsStatus';
    this.status = status;
  }
}
