import { UsageError } from './errors.js';

/** Where an NFS share is: host, TCP port, and the path inside the server's namespace. */
export interface NfsLocation {
  /** Host name or IP literal, IPv6 without brackets. */
  host: string;
  port: number;
  /** Absolute path in the server's (pseudo) namespace, "/" separated, no trailing slash except "/". */
  path: string;
  /** Minor version asked for in the URL (`?version=4.1`), if any. */
  minorVersion?: 1 | 2;
}

export const DEFAULT_NFS_PORT = 2049;

function parsePort(s: string, input: string): number {
  if (!/^\d{1,5}$/.test(s) || Number(s) < 1 || Number(s) > 65535) throw new UsageError(`bad port "${s}" in ${JSON.stringify(input)}`);
  return Number(s);
}

/** "//", a "." component, or a trailing "/" (other than the root's). */
const NOT_NORMAL = /\/\/|\/\.(?:\/|$)|.\/$/;

/** Collapses "//" and "/./", keeps ".." for the server to resolve (LOOKUPP). */
export function normalizePath(p: string): string {
  // Already normal (the usual case: a path the client built itself): no split and join.
  if (p.charCodeAt(0) === 47 && !NOT_NORMAL.test(p)) return p;
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  return `/${parts.join('/')}`;
}

function decodePath(raw: string, input: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new UsageError(`bad percent-encoding in ${JSON.stringify(input)}`);
  }
}

function minorFrom(v: string, input: string): 1 | 2 | undefined {
  if (v === '4' || v === '') return undefined;
  if (v === '4.1') return 1;
  if (v === '4.2') return 2;
  throw new UsageError(`unsupported NFS version "${v}" in ${JSON.stringify(input)} (imafs speaks 4.1 and 4.2)`);
}

/**
 * Parses `nfs://host[:port]/path` (RFC 2224 style; IPv6 as `[::1]`; libnfs's
 * `?version=` and `?nfsport=` are accepted) and mount.nfs's `host:/path` /
 * `[::1]:/path`. The port defaults to 2049.
 */
export function parseNfsUrl(input: string): NfsLocation {
  const s = input.trim();
  if (s.startsWith('nfs://')) {
    const m = /^nfs:\/\/(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^/:?#[\]]+)(?::(\d*))?(\/[^?#]*)?(?:\?([^#]*))?$/.exec(s);
    if (!m) throw new UsageError(`cannot parse NFS URL ${JSON.stringify(input)} (expected nfs://host[:port]/path)`);
    const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
    let port = m[2] === undefined || m[2] === '' ? DEFAULT_NFS_PORT : parsePort(m[2], input);
    let minorVersion: 1 | 2 | undefined;
    for (const [k, v] of new URLSearchParams(m[4] ?? '')) {
      if (k === 'nfsport') port = parsePort(v, input);
      else if (k === 'version') minorVersion = minorFrom(v, input);
      else throw new UsageError(`unknown URL parameter "${k}" in ${JSON.stringify(input)}`);
    }
    return { host: host.toLowerCase(), port, path: normalizePath(decodePath(m[3] ?? '/', input)), ...(minorVersion ? { minorVersion } : {}) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) throw new UsageError(`unsupported URL scheme in ${JSON.stringify(input)} (use nfs://)`);
  const m = /^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^/:[\]\s]+):(\/.*)$/.exec(s);
  if (!m) throw new UsageError(`cannot parse NFS location ${JSON.stringify(input)} (expected nfs://host[:port]/path or host:/path)`);
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  return { host: host.toLowerCase(), port: DEFAULT_NFS_PORT, path: normalizePath(m[2]) };
}

/** Joins the share's root path and a caller's relative path ("" or "." is the root itself). */
export function joinPath(root: string, rel: string): string {
  if (rel.startsWith('/')) rel = rel.slice(1);
  return normalizePath(root === '/' ? `/${rel}` : `${root}/${rel}`);
}

/** Path components for LOOKUP (".." stays and becomes LOOKUPP). */
export function pathComponents(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

export function formatLocation(l: NfsLocation): string {
  const h = l.host.includes(':') ? `[${l.host}]` : l.host;
  return `nfs://${h}${l.port === DEFAULT_NFS_PORT ? '' : `:${l.port}`}${l.path}`;
}
