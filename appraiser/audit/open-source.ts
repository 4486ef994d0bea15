import { existsSync } from 'node:fs';
import { readImaXattr } from '../io/ima-xattr.js';
import type { AuditSource } from './audit-source.js';
import { LocalSource } from './local-source.js';

/**
 * NFS locations are `nfs://...` or mount.nfs's `host:/path` (`[::1]:/path`);
 * anything else, or a local path that happens to contain ':/' and exists, is a
 * local directory.
 */
export function isNfsSource(spec: string): boolean {
  if (/^nfs:\/\//i.test(spec)) return true;
  return /^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^/:[\]\s]+):\//.test(spec) && !existsSync(spec);
}

/** A local directory (or single file) whose security.ima xattrs are read through the appraiser's xattr helper. */
export function openLocalSource(dir: string): AuditSource {
  return new LocalSource(dir, (p) => readImaXattr(p));
}
