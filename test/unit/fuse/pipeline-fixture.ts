/** Builds the mount core (no FUSE, no NFS) over a LocalTree, with a real keyring and policy. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttrCache } from '../../../appraiser/fuse/attr-cache.js';
import { AppraisingFs } from '../../../appraiser/fuse/appraising-fs.js';
import { ContentCache } from '../../../appraiser/fuse/content-cache.js';
import { createMountAppraiser } from '../../../appraiser/fuse/mount-appraiser.js';
import { OpenPipeline, type MeasurementRecord, type MountEvent } from '../../../appraiser/fuse/open-pipeline.js';
import { ServedVersions } from '../../../appraiser/fuse/served-versions.js';
import { Policy, type PolicyConfig } from '../../../appraiser/core/policy.js';
import { loadKeyring } from '../../../appraiser/io/load-keyring.js';
import type { RemoteTree } from '../../../appraiser/fuse/remote-tree.js';

export interface Core {
  fs: AppraisingFs;
  served: ServedVersions;
  cache: ContentCache;
  events: MountEvent[];
  measurements: MeasurementRecord[];
  close(): Promise<void>;
}

export async function makeCore(tree: RemoteTree, policy: Partial<PolicyConfig>, certs: string[], cacheBytes = 64 << 20): Promise<Core> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'imafs-core-cache-'));
  const cache = await ContentCache.open({ dir: cacheDir, maxBytes: cacheBytes });
  const keyring = certs.length ? await loadKeyring({ keys: certs }) : null;
  const appraiser = createMountAppraiser(new Policy(policy), keyring);
  const attrs = new AttrCache(tree, 1000);
  const served = new ServedVersions();
  const events: MountEvent[] = [];
  const measurements: MeasurementRecord[] = [];
  const pipeline = new OpenPipeline({
    tree, attrs, cache, appraiser, served, integrityStatus: 10097,
    onEvent: (e) => events.push(e), onMeasurement: (m) => measurements.push(m),
  });
  const fs = new AppraisingFs(tree, attrs, pipeline, served);
  return {
    fs, served, cache, events, measurements,
    close: async () => {
      await fs.closeAll();
      await cache.destroy();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Reads a whole file through AppraisingFs like the kernel would (128 KiB reads). */
export async function readAll(fs: AppraisingFs, fh: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let pos = 0; ; ) {
    const buf = Buffer.alloc(128 * 1024);
    const n = fs.readSync(fh, buf, buf.length, pos);
    if (n === 0) break;
    parts.push(buf.subarray(0, n));
    pos += n;
  }
  return Buffer.concat(parts);
}
