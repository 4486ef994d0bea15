/**
 * One mount, start to finish, in this process: connect to the export, load
 * keys and policy, open the measurement log and the content cache, mount FUSE,
 * write the pid file. stop() (SIGTERM, SIGINT, `imafs umount`, or the mount
 * vanishing under a plain umount(8)) undoes all of it in reverse order.
 */
import { stat } from 'node:fs/promises';
import { debuglog } from 'node:util';
import type { NfsClientOptions } from '../../client/client-options.js';
import { NfsClient } from '../../client/nfs-client.js';
import type { Keyring } from '../core/keyring.js';
import type { Policy } from '../core/policy.js';
import { MeasurementLog } from '../io/measurement-log.js';
import { AppraisingFs } from './appraising-fs.js';
import { AttrCache } from './attr-cache.js';
import { ContentCache } from './content-cache.js';
import { formatEvent } from './format-event.js';
import { mountFuse, type FuseMount } from './fuse-adapter.js';
import { createMountAppraiser } from './mount-appraiser.js';
import { MountError } from './mount-error.js';
import { canonicalMountpoint, findMount, IMAFS_FSTYPE } from './mount-table.js';
import { OpenPipeline } from './open-pipeline.js';
import { startHashThread } from './range-hasher.js';
import type { RemoteTree } from './remote-tree.js';
import { ServedVersions } from './served-versions.js';
import { removePidFile, writePidFile } from './state-files.js';

const debug = debuglog('imafs:fuse:run');

export interface MountConfig {
  source: string;
  mountpoint: string;
  policy: Policy;
  keyring: Keyring | null;
  /** NfsClient.connect options (imaAttr, integrityStatus, auth...). */
  clientOptions: NfsClientOptions;
  /** Measurement log: ima-sig ascii lines, and JSON lines. */
  log?: string;
  logJson?: string;
  cacheDir: string;
  cacheSize: number;
  allowOther: boolean;
  /** Attribute cache (ours and the kernel's), seconds. */
  attrTimeout: number;
  mountFlags: string[];
  pidFile?: string;
  /** Event lines (denials, audit warnings, lifecycle). */
  onLine: (line: string) => void;
  /** For tests: use this tree instead of connecting. */
  tree?: RemoteTree;
}

export interface RunningMount {
  readonly mountpoint: string;
  readonly fs: AppraisingFs;
  /** Resolves once the mount is gone and everything is closed. */
  readonly done: Promise<void>;
  stop(why?: string): Promise<void>;
}

export async function startMount(c: MountConfig): Promise<RunningMount> {
  const mountpoint = await canonicalMountpoint(c.mountpoint);
  const st = await stat(mountpoint).catch((e: NodeJS.ErrnoException) => {
    throw new MountError('IMAFS_MOUNT_FAILED', `mountpoint ${mountpoint}: ${e.code === 'ENOTCONN' ? 'a dead FUSE mount is still there (run: imafs umount ' + mountpoint + ')' : e.code ?? e.message}`, { cause: e });
  });
  if (!st.isDirectory()) throw new MountError('IMAFS_MOUNT_FAILED', `mountpoint ${mountpoint} is not a directory`);
  const { policy, keyring } = c;
  const integrityStatus = c.clientOptions.integrityStatus ?? 10097;
  const mlog = c.log || c.logJson ? new MeasurementLog({ ascii: c.log, json: c.logJson }) : null;
  const undo: Array<() => Promise<void> | void> = [() => mlog?.close()];
  const rollback = async (): Promise<void> => {
    for (const u of undo.reverse()) await Promise.resolve(u()).catch((e) => debug('cleanup: %s', (e as Error).message));
  };
  // Started now, while we connect: a big file's first fetch would otherwise wait for it.
  const hashThread = startHashThread();
  try {
    const tree: RemoteTree = c.tree ?? (await NfsClient.connect(c.source, c.clientOptions));
    undo.push(() => tree.close());
    if (!tree.imaSupported) {
      c.onLine(`${new Date().toISOString()} imafs mount: ${c.source} does not support FATTR4_IMA (attribute ${c.clientOptions.imaAttr ?? 93}): legacy server, policy ${policy.mode}` +
        (policy.mode === 'strict' ? ': every regular file will be refused (draft §5.3)' : policy.mode === 'audit' ? ': files are served unappraised, with warnings' : ''));
    }
    const cache = await ContentCache.open({ dir: c.cacheDir, maxBytes: c.cacheSize });
    undo.push(() => cache.destroy());
    const attrs = new AttrCache(tree, c.attrTimeout * 1000);
    const served = new ServedVersions();
    const pipeline = new OpenPipeline({
      tree, attrs, cache, served, integrityStatus,
      appraiser: createMountAppraiser(policy, keyring),
      onEvent: (e) => c.onLine(formatEvent(e, mountpoint)),
      onMeasurement: (m) => mlog?.record({
        path: mountpoint === '/' ? m.path : `${mountpoint}${m.path}`, access: m.access, algo: m.measured.algo, digest: m.measured.digest, blob: m.blob, decision: m.decision,
      }),
    });
    const fs = new AppraisingFs(tree, attrs, pipeline, served);
    undo.push(() => fs.closeAll());
    await hashThread;
    const fuse: FuseMount = await mountFuse(mountpoint, fs, {
      fsname: c.source, allowOther: c.allowOther, attrTimeoutSec: c.attrTimeout, mountFlags: c.mountFlags,
    }, integrityStatus);
    undo.push(() => fuse.unmount().catch(async (e) => {
      // Already gone (plain umount(8)) is fine; anything else is worth a line.
      if (await findMount(mountpoint).then((m) => m?.fstype === IMAFS_FSTYPE)) throw e;
    }));
    let mounted = await findMount(mountpoint);
    if (c.pidFile) {
      writePidFile(c.pidFile);
      const pidFile = c.pidFile;
      undo.push(() => removePidFile(pidFile));
    }
    let finish!: () => void;
    const done = new Promise<void>((r) => { finish = r; });
    let stopping: Promise<void> | undefined;
    const stop = (why = 'stopped'): Promise<void> => (stopping ??= (async () => {
      clearInterval(watch);
      debug('stopping %s: %s', mountpoint, why);
      await rollback();
      c.onLine(`${new Date().toISOString()} imafs mount: ${mountpoint} unmounted (${why})`);
      finish();
    })());
    // umount(8) bypasses us; notice the mount is gone and shut down.
    const watch = setInterval(() => {
      void findMount(mountpoint).then((m) => {
        // Not seen at start either (unmounted at once): a second miss means it is gone.
        if (!mounted && m?.fstype === IMAFS_FSTYPE) mounted = m;
        else if (!mounted || !m || m.id !== mounted.id) void stop('unmounted externally');
      });
    }, 1000);
    watch.unref();
    c.onLine(`${new Date().toISOString()} imafs mount: ${c.source} on ${mountpoint} (policy ${policy.mode}, NFSv4 IMA ${tree.imaSupported ? 'supported' : 'not supported'})`);
    return { mountpoint, fs, done, stop };
  } catch (err) {
    await rollback();
    throw err;
  }
}
