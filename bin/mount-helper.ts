/**
 * mount(8)'s helper calling convention, shared by `mount.imafs` (bin/mount-imafs.ts)
 * and by `imafs SOURCE MOUNTPOINT -o OPTS`, which mount.fuse / mount.fuse3 run for
 * the fstab type `fuse.imafs`. Both end in `imafs mount SOURCE DIR -o OPTS` (a
 * background daemon; returns when the mount is ready). Exit codes follow
 * mount(8): 0 mounted, 1 bad invocation or options, 32 mount failure. The
 * program comes in as a parameter: bin/imafs.ts cannot be imported back while
 * its own top-level await runs.
 */
import type { Command } from './commander.js';
import { reportFatal } from './fatal.js';
import { knownOptions, splitOptions } from '../appraiser/fuse/mount-options.js';

const USAGE = 'usage: mount.imafs SOURCE MOUNTPOINT [-sfnv] [-o options]\n';

export interface HelperArgs {
  source: string;
  mountpoint: string;
  options: string[];
  fake: boolean;
  sloppy: boolean;
  verbose: boolean;
}

/** Parses mount(8)'s helper calling convention; undefined when it does not fit. */
export function parseHelperArgs(argv: string[]): HelperArgs | undefined {
  const pos: string[] = [];
  const r: HelperArgs = { source: '', mountpoint: '', options: [], fake: false, sloppy: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o') {
      if (i + 1 >= argv.length) return undefined;
      r.options.push(argv[++i]);
    } else if (a.startsWith('-o') && a.length > 2) r.options.push(a.slice(2));
    else if (a === '-t') i++; // the type: we know it
    else if (/^-[sfnv]+$/.test(a)) {
      if (a.includes('s')) r.sloppy = true;
      if (a.includes('f')) r.fake = true;
      if (a.includes('v')) r.verbose = true;
    } else if (a.startsWith('-')) return undefined;
    else pos.push(a);
  }
  if (pos.length !== 2) return undefined;
  [r.source, r.mountpoint] = pos;
  return r;
}

/** Runs the helper on its arguments (after the program name); resolves to mount(8)'s exit code. */
export async function runMountHelper(argv: string[], buildProgram: () => Command): Promise<number> {
  const h = parseHelperArgs(argv);
  if (!h) {
    process.stderr.write(USAGE);
    return 1;
  }
  if (h.fake) return 0;
  const opts = h.sloppy ? knownOptions(h.options) : h.options.flatMap(splitOptions);
  const args = ['mount', h.source, h.mountpoint, ...(opts.length ? ['-o', opts.map((o) => o.replace(/[\\,]/g, (c) => `\\${c}`)).join(',')] : [])];
  if (h.verbose) process.stderr.write(`mount.imafs: imafs ${args.join(' ')}\n`);
  try {
    await buildProgram().parseAsync(args, { from: 'user' });
    return 0;
  } catch (err) {
    const code = reportFatal(err, false);
    return code === 2 ? 1 : 32;
  }
}
