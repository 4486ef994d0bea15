/**
 * The client package's one error family (modelled on undici's lib/core/errors.js):
 * every error has a stable string `code`, a human message that says what failed
 * and where, and an optional `cause`. docs/client.md lists every code.
 *
 * Layers throw the narrowest subclass; callers branch on `code`, never on message.
 */

export interface ErrorContext {
  cause?: unknown;
}

export class ImafsClientError extends Error {
  readonly code: string;
  constructor(code: string, message: string, ctx: ErrorContext = {}) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** Malformed or oversized XDR (RFC 4506) data. */
export type XdrErrorCode =
  | 'IMAFS_XDR_SHORT_BUFFER'
  | 'IMAFS_XDR_BAD_PADDING'
  | 'IMAFS_XDR_TOO_LONG'
  | 'IMAFS_XDR_TRAILING_BYTES'
  | 'IMAFS_XDR_BAD_VALUE';

export class XdrError extends ImafsClientError {
  /** Byte offset in the buffer being decoded where the problem was found. */
  readonly offset: number;
  constructor(code: XdrErrorCode, message: string, offset: number) {
    super(code, `${message} (at byte ${offset})`);
    this.offset = offset;
  }
}

/** ONC RPC (RFC 5531) and transport failures. */
export type RpcErrorCode =
  | 'IMAFS_RPC_TIMEOUT'
  | 'IMAFS_RPC_CONNECT'
  | 'IMAFS_RPC_CONN_CLOSED'
  | 'IMAFS_RPC_RECORD_TOO_LARGE'
  | 'IMAFS_RPC_BAD_REPLY'
  | 'IMAFS_RPC_DENIED'
  | 'IMAFS_RPC_PROG_UNAVAIL'
  | 'IMAFS_RPC_PROG_MISMATCH'
  | 'IMAFS_RPC_PROC_UNAVAIL'
  | 'IMAFS_RPC_GARBAGE_ARGS'
  | 'IMAFS_RPC_SYSTEM_ERR'
  | 'IMAFS_RPC_CLOSED';

export class RpcError extends ImafsClientError {
  constructor(code: RpcErrorCode, message: string, ctx: ErrorContext = {}) {
    super(code, message, ctx);
  }
}

/**
 * A non-OK nfsstat4 from the server. `statusName` is the RFC 8881 name
 * (e.g. "NFS4ERR_NOENT"), `op` the name of the operation that failed
 * (e.g. "LOOKUP"), `path` the export path involved when known.
 */
export class NfsError extends ImafsClientError {
  readonly status: number;
  readonly statusName: string;
  readonly op: string;
  readonly path: string | undefined;
  constructor(status: number, statusName: string, op: string, path?: string, ctx: ErrorContext = {}) {
    super('IMAFS_NFS_STATUS', `${op}${path === undefined ? '' : ` ${path}`} failed: ${statusName}`, ctx);
    this.status = status;
    this.statusName = statusName;
    this.op = op;
    this.path = path;
  }
}

/** The server's reply was well-formed XDR but broke the protocol's rules. */
export class ProtocolError extends ImafsClientError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('IMAFS_PROTOCOL', message, ctx);
  }
}

/** Caller mistakes: a bad URL, an option out of range. */
export class UsageError extends ImafsClientError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('IMAFS_USAGE', message, ctx);
  }
}
