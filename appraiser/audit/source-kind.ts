import { existsSync } from 'node:fs';

/**
 * NFS locations are `nfs://...` or mount.nfs's `host:/path` (`[::1]:/path`);
 * anything else, or a local path that happens to contain ':/' and exists, is a
 * local directory. Kept apart from the sources so that deciding costs no
 * imports (an NFS audit never loads the xattr binding).
 */
export function isNfsSource(spec: string): boolean {
  if (/^nfs:\/\//i.test(spec)) return true;
  return /^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^/:[\]\s]+):\//.test(spec) && !existsSync(spec);
}
