import os from 'node:os';
import { UsageError } from '../errors.js';
import { XdrReader } from '../xdr/xdr-reader.js';
import { XdrWriter } from '../xdr/xdr-writer.js';
import type { OpaqueAuth } from './rpc-message.js';

/**
 * RPC credentials, RFC 5531 §8.2 and Appendix A.
 *
 *   enum auth_flavor { AUTH_NONE = 0, AUTH_SYS = 1, ... };
 *   struct authsys_parms {
 *     unsigned int stamp;
 *     string machinename<255>;
 *     unsigned int uid;
 *     unsigned int gid;
 *     unsigned int gids<16>;
 *   };
 *
 * The verifier of an AUTH_SYS call is AUTH_NONE.
 */

export const AUTH_NONE = 0;
export const AUTH_SYS = 1;
export const MAX_MACHINENAME = 255;
export const MAX_GIDS = 16;

export interface AuthSysParms {
  stamp: number;
  machinename: string;
  uid: number;
  gid: number;
  gids: number[];
}

/** Caller-facing AUTH_SYS options; anything left out comes from the calling process. */
export interface AuthSysOptions {
  uid?: number;
  gid?: number;
  gids?: number[];
  machinename?: string;
}

export const AUTH_NONE_TOKEN: OpaqueAuth = Object.freeze({ flavor: AUTH_NONE, body: Buffer.alloc(0) }) as OpaqueAuth;

export function authNone(): OpaqueAuth {
  return AUTH_NONE_TOKEN;
}

function checkId(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new UsageError(`${what} ${v} is not a 32-bit unsigned id`);
  return v;
}

/** The machine name cut to 255 bytes without splitting a UTF-8 sequence. */
function machineName(name: string): string {
  let out = name;
  while (Buffer.byteLength(out, 'utf8') > MAX_MACHINENAME) out = out.slice(0, -1);
  return out;
}

/** Fills AUTH_SYS parameters from options, defaulting to the calling process's ids. */
export function authSysParms(o: AuthSysOptions = {}): AuthSysParms {
  const uid = checkId(o.uid ?? process.getuid?.() ?? 0, 'uid');
  const gid = checkId(o.gid ?? process.getgid?.() ?? 0, 'gid');
  const gids = (o.gids ?? process.getgroups?.() ?? []).map((g) => checkId(g, 'gid'));
  if (o.gids !== undefined && gids.length > MAX_GIDS) {
    throw new UsageError(`AUTH_SYS carries at most ${MAX_GIDS} supplementary gids, got ${gids.length}`);
  }
  return {
    // RFC 5531 leaves the stamp to the caller; seconds since the epoch is the usual choice.
    stamp: Math.floor(Date.now() / 1000) >>> 0,
    machinename: machineName(o.machinename ?? os.hostname()),
    uid,
    gid,
    // The process may be in more groups than AUTH_SYS can carry: keep the first 16.
    gids: gids.slice(0, MAX_GIDS),
  };
}

export function encodeAuthSysParms(w: XdrWriter, p: AuthSysParms): void {
  w.uint32(p.stamp).string(p.machinename, MAX_MACHINENAME, 'machinename').uint32(p.uid).uint32(p.gid);
  w.array(p.gids, MAX_GIDS, (ww, g) => ww.uint32(g), 'gids');
}

export function decodeAuthSysParms(r: XdrReader): AuthSysParms {
  const stamp = r.uint32();
  const machinename = r.string(MAX_MACHINENAME, 'machinename');
  const uid = r.uint32();
  const gid = r.uint32();
  const gids = r.array(MAX_GIDS, (rr) => rr.uint32(), 'gids');
  return { stamp, machinename, uid, gid, gids };
}

/** The AUTH_SYS credential (body encoded once; reused on every call). */
export function authSys(o: AuthSysOptions = {}): OpaqueAuth {
  const w = new XdrWriter(64);
  encodeAuthSysParms(w, authSysParms(o));
  return { flavor: AUTH_SYS, body: w.finish() };
}

/** Decodes an AUTH_SYS credential body (server side); the whole body must be consumed. */
export function parseAuthSys(cred: OpaqueAuth): AuthSysParms {
  const r = new XdrReader(cred.body);
  const p = decodeAuthSysParms(r);
  r.assertEnd('authsys_parms');
  return p;
}

/** 'none', or AUTH_SYS options (an empty object means "the calling process"). */
export type AuthOption = 'none' | 'sys' | AuthSysOptions;

export function credentialFor(a: AuthOption | undefined): OpaqueAuth {
  if (a === 'none') return authNone();
  return authSys(a === undefined || a === 'sys' ? {} : a);
}
