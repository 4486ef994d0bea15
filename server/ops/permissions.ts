/**
 * UNIX permission checks for AUTH_SYS callers (RFC 8881 §18.1 ACCESS; OPEN
 * and READ use the same rule). The server process itself runs privileged, so
 * it checks the caller's uid/gids against the file's mode bits: uid 0 may
 * read anything and execute what has any execute bit; AUTH_NONE is "nobody"
 * and only gets the "other" bits.
 */
import type { BigIntStats } from 'node:fs';
import type { Credentials } from '../compound/op-context.js';

/** Which of r(4) w(2) x(1) the caller has on a file with this mode and owner. */
export function permBits(cred: Credentials, st: BigIntStats): number {
  const mode = Number(st.mode);
  if (cred.uid === 0) {
    const anyX = (mode & 0o111) !== 0 || (mode & 0o170000) === 0o040000;
    return 0o6 | (anyX ? 1 : 0);
  }
  if (cred.uid !== undefined && cred.uid === Number(st.uid)) return (mode >> 6) & 7;
  const gid = Number(st.gid);
  if (cred.uid !== undefined && (cred.gid === gid || cred.gids.includes(gid))) return (mode >> 3) & 7;
  return mode & 7;
}

export function mayRead(cred: Credentials, st: BigIntStats): boolean {
  return (permBits(cred, st) & 4) !== 0;
}
