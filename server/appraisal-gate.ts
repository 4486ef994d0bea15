/**
 * Optional server-side appraisal (`--appraise strict|audit`, draft §5.3):
 * before OPEN or READ of a regular file the server measures it and appraises
 * its security.ima with the appraiser core. Verdicts are cached per
 * (inode, mtime, ctime, size), so a file is hashed once until it changes; a
 * file being appraised by one request is not hashed again by another.
 *
 * The gate only decides; the op handlers choose the status (NFS4ERR_INTEGRITY
 * for a participating client, NFS4ERR_ACCESS for a legacy one).
 */
import fs from 'node:fs';
import util from 'node:util';
import { appraise } from '../appraiser/core/appraise.js';
import type { Keyring } from '../appraiser/core/keyring.js';
import { createMeasurer } from '../appraiser/core/measurer.js';
import type { Decision, Policy } from '../appraiser/core/policy.js';
import type { FsNode } from './fs/export-fs.js';
import { readIma } from './fs/ima-xattr.js';
import type { OpenFiles } from './fs/open-files.js';

const readP = util.promisify(fs.read);
const closeP = util.promisify(fs.close);
const CHUNK = 1 << 20;
const CACHE = 4096;

export class AppraisalGate {
  private readonly cache = new Map<string, Decision>();
  private readonly running = new Map<string, Promise<Decision>>();

  constructor(
    readonly policy: Policy,
    private readonly keyring: Keyring,
    private readonly files: OpenFiles,
  ) {}

  get mode(): string {
    return this.policy.mode;
  }

  async decide(n: FsNode): Promise<Decision> {
    const k = `${n.key}:${n.st.mtimeNs}:${n.st.ctimeNs}:${n.st.size}`;
    const hit = this.cache.get(k);
    if (hit) return hit;
    let p = this.running.get(k);
    if (!p) {
      p = this.compute(n).finally(() => this.running.delete(k));
      this.running.set(k, p);
    }
    const d = await p;
    this.cache.set(k, d);
    if (this.cache.size > CACHE) this.cache.delete(this.cache.keys().next().value!);
    return d;
  }

  private async compute(n: FsNode): Promise<Decision> {
    const ctx = { path: `/${n.rel}`, access: 'read' as const };
    const blob = await readIma(this.files, n);
    const algo = this.policy.measurementAlgo(blob);
    let digest: Buffer | null = null;
    if (algo) {
      const m = createMeasurer(algo);
      const fd = await this.files.openVerified(n);
      try {
        const buf = Buffer.allocUnsafe(CHUNK);
        let pos = 0;
        for (;;) {
          const { bytesRead } = await readP(fd, buf, 0, CHUNK, pos);
          if (bytesRead === 0) break;
          m.update(buf.subarray(0, bytesRead));
          pos += bytesRead;
        }
      } finally {
        await closeP(fd).catch(() => undefined);
      }
      digest = m.digest();
    }
    const v = appraise({ blob, digest, keyring: this.keyring, options: this.policy.appraiseOptions(ctx) });
    return this.policy.decide(v, ctx);
  }
}
