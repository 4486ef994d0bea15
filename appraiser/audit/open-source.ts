import { readImaXattrSync } from '../io/ima-xattr.js';
import type { AuditSource } from './audit-source.js';
import { LocalSource } from './local-source.js';

export { isNfsSource } from './source-kind.js';

/**
 * A local directory (or single file) whose security.ima xattrs are read
 * through the appraiser's xattr helper, synchronously: getxattr of a cached
 * inode takes microseconds, a thread-pool round trip costs more than the
 * rest of a small file's audit.
 */
export function openLocalSource(dir: string): AuditSource {
  return new LocalSource(dir, (p) => readImaXattrSync(p));
}
