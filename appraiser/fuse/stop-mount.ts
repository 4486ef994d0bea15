/**
 * `imafs umount MNT`: stop the daemon of MNT (SIGTERM by the pid in its pid
 * file, after checking that pid really is an imafs mount of MNT), wait for it,
 * and detach whatever mount is left (a killed daemon leaves a dead FUSE mount
 * that answers ENOTCONN; umount -l clears it).
 */
import { MountError } from './mount-error.js';
import { canonicalMountpoint, findMount, IMAFS_FSTYPE } from './mount-table.js';
import { defaultPidFile, isMountDaemon, pidAlive, readPidFile } from './state-files.js';
import { unmountPath } from './unmount-path.js';

export interface StopResult {
  mountpoint: string;
  /** The daemon that was stopped, if one was running. */
  stoppedPid?: number;
  /** The daemon did not stop on SIGTERM and was killed. */
  killed: boolean;
  /** A mount was left (dead daemon or stubborn one) and was detached here. */
  detached: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pidAlive(pid)) return true;
    await sleep(25);
  }
  return !pidAlive(pid);
}

export async function stopMount(mountpointArg: string, o: { pidFile?: string; timeoutMs?: number } = {}): Promise<StopResult> {
  const mountpoint = await canonicalMountpoint(mountpointArg);
  const pidFile = o.pidFile ?? defaultPidFile(mountpoint);
  const before = await findMount(mountpoint);
  if (before && before.fstype !== IMAFS_FSTYPE) {
    throw new MountError('IMAFS_NOT_MOUNTED', `${mountpoint} is a ${before.fstype} mount, not an imafs mount`);
  }
  const res: StopResult = { mountpoint, killed: false, detached: false };
  const pid = readPidFile(pidFile);
  if (pid !== undefined && pidAlive(pid) && isMountDaemon(pid, mountpoint)) {
    process.kill(pid, 'SIGTERM');
    res.stoppedPid = pid;
    if (!(await waitGone(pid, o.timeoutMs ?? 15_000))) {
      process.kill(pid, 'SIGKILL');
      res.killed = true;
      await waitGone(pid, 5000);
    }
  }
  const left = await findMount(mountpoint);
  if (left && left.fstype === IMAFS_FSTYPE) {
    const err = await unmountPath(mountpoint, true);
    if (err) throw new MountError('IMAFS_MOUNT_FAILED', `cannot detach ${mountpoint}: ${err}`);
    res.detached = true;
  }
  if (res.stoppedPid === undefined && !before) {
    throw new MountError('IMAFS_NOT_MOUNTED', `${mountpoint} is not an imafs mount and no imafs daemon serves it`);
  }
  return res;
}
