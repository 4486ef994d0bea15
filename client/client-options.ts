import { UsageError } from './errors.js';
import { DEFAULT_IMA_ATTR } from './nfs4/constants.js';
import { makeAttrConfig, type AttrConfig } from './nfs4/fattr.js';
import { DEFAULT_INTEGRITY_STATUS, validateIntegrityStatus } from './nfs4/status.js';
import type { AuthOption } from './rpc/auth.js';
import type { NfsLocation } from './url.js';

/** Options of NfsClient.connect (CONTRIBUTING "Client API"). */
export interface NfsClientOptions {
  /** FATTR4_IMA's attribute number (the draft assigns none). Default 93. */
  imaAttr?: number;
  /** NFS4ERR_INTEGRITY's status number. Default 10097. */
  integrityStatus?: number;
  /** AUTH_SYS ids (default: the calling process's) or 'none' for AUTH_NONE. */
  auth?: AuthOption;
  /** Force NFSv4.1 or 4.2; default 4.2 with fall-back to 4.1. */
  minorVersion?: 1 | 2;
  /** Per-RPC timeout in ms. Default 30 000. */
  timeoutMs?: number;
  /** TCP connect timeout in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** How long one operation may keep retrying (DELAY, GRACE, reconnects). Default 120 000. */
  retryBudgetMs?: number;
  /** Largest READ in bytes (further capped by maxread and the session). Default 1 MiB. */
  readSize?: number;
  /** READs in flight per stream (further capped by the session's slots). Default 4. */
  readAhead?: number;
}

export interface ResolvedOptions {
  attrs: AttrConfig;
  integrityStatus: number;
  auth: AuthOption;
  minorVersion: 1 | 2 | undefined;
  timeoutMs: number;
  connectTimeoutMs: number;
  retryBudgetMs: number;
  readSize: number;
  readAhead: number;
}

function positive(v: number | undefined, def: number, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UsageError(`${what} must be an integer in 1..${max}, got ${v}`);
  return v;
}

export function resolveOptions(o: NfsClientOptions, loc?: NfsLocation): ResolvedOptions {
  const integrityStatus = o.integrityStatus ?? DEFAULT_INTEGRITY_STATUS;
  const bad = validateIntegrityStatus(integrityStatus);
  if (bad) throw new UsageError(bad);
  const minorVersion = o.minorVersion ?? loc?.minorVersion;
  if (minorVersion !== undefined && minorVersion !== 1 && minorVersion !== 2) {
    throw new UsageError(`minor version must be 1 or 2, got ${String(minorVersion)}`);
  }
  return {
    attrs: makeAttrConfig(o.imaAttr ?? DEFAULT_IMA_ATTR),
    integrityStatus,
    auth: o.auth ?? 'sys',
    minorVersion,
    timeoutMs: positive(o.timeoutMs, 30_000, 'timeoutMs'),
    connectTimeoutMs: positive(o.connectTimeoutMs, 10_000, 'connectTimeoutMs'),
    retryBudgetMs: positive(o.retryBudgetMs, 120_000, 'retryBudgetMs'),
    readSize: positive(o.readSize, 1024 * 1024, 'readSize', 64 * 1024 * 1024),
    readAhead: positive(o.readAhead, 4, 'readAhead', 256),
  };
}
