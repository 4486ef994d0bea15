import { setFlagsFromString } from 'node:v8';

/**
 * V8 tuning for a batch run of a second or so that makes many small functions
 * hot at once (`imafs audit` of a tree of small files). TurboFan's inlining
 * makes each optimizing compile several times larger (the audit's directory
 * lister alone took 71 ms to compile), and those compiles run on the same two
 * cores as the hashing, the signature checks and, over loopback, the server.
 * Without inlining a 10,000-file audit over NFS spends 120-170 ms less CPU
 * (1440 -> 1270-1320 ms, 15 interleaved runs each) at the same wall time or
 * better; a 256 MiB file is unchanged (620 ms either way). Set before any of
 * the audit's code is hot; it applies to this process and its worker threads.
 * The long-lived commands (mount, serve) keep V8's defaults.
 */
export function tuneV8ForShortRun(): void {
  setFlagsFromString('--no-turbo-inlining');
}
