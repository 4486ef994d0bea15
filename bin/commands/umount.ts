/**
 * `imafs umount <mountpoint>`: stop the mount's daemon (which unmounts,
 * closes the NFS session and exits), and detach any mount a killed daemon
 * left behind. Exit 0 done, 1 nothing imafs was mounted there.
 */
import type { Command } from '../commander.js';
import { stopMount } from '../../appraiser/fuse/stop-mount.js';

export function register(program: Command): void {
  program
    .command('umount')
    .alias('unmount')
    .description('unmount an imafs mount, close its NFS session and stop its daemon (also clears a mount whose daemon was killed)')
    .argument('<mountpoint>', 'where the export is mounted')
    .option('--pid-file <file>', 'the daemon\'s pid file, if mounted with --pid-file')
    .option('--timeout <seconds>', 'how long to wait for the daemon before killing it', (v) => Number(v), 15)
    .option('-v, --verbose', 'say what was done')
    .action(async (mountpoint: string, o: { pidFile?: string; timeout: number; verbose?: boolean }) => {
      const r = await stopMount(mountpoint, { pidFile: o.pidFile, timeoutMs: o.timeout * 1000 });
      if (o.verbose) {
        const done = [r.stoppedPid ? `stopped daemon ${r.stoppedPid}${r.killed ? ' (killed)' : ''}` : 'no daemon running', r.detached ? 'detached the mount' : 'mount gone'];
        process.stdout.write(`imafs umount: ${r.mountpoint}: ${done.join(', ')}\n`);
      }
    });
}
