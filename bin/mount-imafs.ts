#!/usr/bin/env node
/**
 * mount.imafs: the mount(8) helper, so an imafs export can live in /etc/fstab.
 *
 *   ln -s "$(command -v mount.imafs)" /sbin/mount.imafs
 *   127.0.0.1:/export  /opt/sw  imafs  nosuid,nodev,keys=/etc/imafs/keys,_netdev  0 0
 *
 * mount(8) runs "/sbin/mount.TYPE SOURCE DIR [-sfnv] [-o OPTS]"; mount.fuse
 * (libfuse2) and mount.fuse3 run "PROG SOURCE DIR -o OPTS" for the fstab form
 * "mount.imafs#SOURCE DIR fuse OPTS" (and "imafs SOURCE DIR -o OPTS" for type
 * fuse.imafs, which bin/imafs.ts hands to the same helper). All end in `imafs mount SOURCE DIR -o OPTS`
 * (a background daemon; returns when the mount is ready). Exit codes follow
 * mount(8): 0 mounted, 1 bad invocation or options, 32 mount failure.
 */
import { realpathSync } from 'node:fs';
import { buildProgram } from './imafs.js';
import { runMountHelper } from './mount-helper.js';

export { parseHelperArgs, type HelperArgs } from './mount-helper.js';

if (process.argv[1] && import.meta.url === new URL(`file://${realpathSync(process.argv[1])}`).href) {
  process.exitCode = await runMountHelper(process.argv.slice(2), buildProgram);
}
