/**
 * `imafs demo`: a signed share built, served, mounted under Strict and used,
 * narrated for a newcomer, then torn down. Every step runs the real CLI so
 * the output doubles as a tutorial: each `$ imafs ...` line can be typed as is.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imafs, run, startDaemon, type Daemon } from './child-processes.js';
import { makeDemoKeys } from './demo-keys.js';
import { buildDemoShare, pickSystemBinary, type DemoFile } from './demo-share.js';
import { explainLog } from './log-lines.js';
import { isMounted, shownMountArgs, startMount, unmountShare, waitMounted, type DemoMount, type MountFiles } from './mount-control.js';

export interface DemoOptions {
  out: NodeJS.WritableStream;
  /** Aborted by the command on SIGINT/SIGTERM; the demo then cleans up and returns false. */
  signal?: AbortSignal;
}

interface State {
  dir?: string;
  server?: Daemon;
  mount?: DemoMount;
}

const READY = /imafs serve: listening on (\S+):(\d+)/;

export async function runDemo(o: DemoOptions): Promise<boolean> {
  const say = (s = ''): void => { o.out.write(`${s}\n`); };
  const st: State = {};
  let failures = 0;
  let checks = 0;
  const check = (ok: boolean, line: string): void => {
    checks++;
    if (!ok) failures++;
    say(`      ${ok ? 'ok  ' : 'FAIL'}  ${line}`);
  };
  const aborted = (): boolean => o.signal?.aborted === true;
  const rel = (p: string): string => (st.dir && p.startsWith(`${st.dir}/`) ? p.slice(st.dir.length + 1) : p);
  const shown = (args: string[]): string => `$ imafs ${args.map(rel).join(' ')}`;

  preflight();
  try {
    say('imafs demo: a software share whose files are signed by their publisher, served over NFSv4.2');
    say('with their IMA signatures (FATTR4_IMA), and mounted so that only verified files can be used.');
    say();
    st.dir = mkdtempSync(join(tmpdir(), 'imafs-demo-'));
    const share = join(st.dir, 'share');
    const mnt = join(st.dir, 'mnt');
    for (const d of [join(st.dir, 'keys'), share, mnt]) mkdirSync(d);
    say(`Working in ${st.dir} (removed at the end).`);
    say();

    say('[1/6] A publisher key pair and certificate (openssl, RSA-2048)');
    const keys = await makeDemoKeys(join(st.dir, 'keys'));
    say(`      ${rel(keys.key)}  ${rel(keys.cert)}`);
    if (aborted()) return false;

    say('[2/6] The share: files signed with `imafs sign` (security.ima), one changed afterwards, one never signed');
    const tool = pickSystemBinary();
    const expected = await run(tool, []);
    const { files, signArgs } = await buildDemoShare(share, keys, tool, expected.stdout);
    say(`      ${shown(signArgs)}`);
    for (const f of files) say(`      ${f.path.padEnd(18)} ${f.what}`);
    if (aborted()) return false;

    say('[3/6] Serving the share on a free loopback port');
    const serveArgs = ['serve', share, '--listen', '127.0.0.1:0'];
    say(`      ${shown(serveArgs)}`);
    st.server = startDaemon(serveArgs);
    const m = await untilAborted(st.server.waitFor(READY), o.signal);
    const url = `nfs://127.0.0.1:${m[2]}/`;
    say(`      serving ${url}`);
    if (aborted()) return false;

    const dir = st.dir;
    const files4 = (name: string): MountFiles => ({
      log: join(dir, `${name}.log`), logJson: join(dir, `${name}.jsonl`), cacheDir: join(dir, 'cache'), pidFile: join(dir, `${name}.pid`),
    });
    const strict = files4('strict');
    say('[4/6] Mounting it under the Strict policy: a file is usable only if its signature verifies');
    st.mount = startMount(url, mnt, 'strict', keys.cert, strict);
    say(`      ${shown(shownMountArgs(st.mount))}`);
    await waitMounted(st.mount, o.signal);
    for (const f of files) {
      if (aborted()) return false;
      await tryFile(f, mnt, strict.logJson, check);
    }
    await teardownMount(st, say);

    say('[5/6] What Audit would log: the same share mounted with --policy audit serves every file and logs each verdict');
    const audit = files4('audit');
    st.mount = startMount(url, mnt, 'audit', keys.cert, audit);
    say(`      ${shown(shownMountArgs(st.mount))}`);
    await waitMounted(st.mount, o.signal);
    for (const f of files.filter((x) => x.expect === 'refused')) {
      const r = await run('cat', [join(mnt, f.path)], { timeoutMs: 30_000 });
      check(r.status === 0, `${f.path} readable under Audit (exit ${r.status}), and logged:`);
      const verdicts = explainLog(readOr(audit.logJson), f.path);
      for (const line of verdicts) say(`            ${line}`);
      for (const line of explainLog(readOr(audit.log), f.path)) say(`            ${line}`);
      check(verdicts.some((v) => !v.startsWith('ok ')), `the log records ${f.path}'s failed verdict`);
    }
    await teardownMount(st, say);

    say('[6/6] The same check without FUSE, as a CI job runs it');
    const auditArgs = ['audit', '--keys', keys.cert, '--policy', 'strict', '--quiet', url];
    say(`      ${shown(auditArgs)}`);
    const a = await imafs(auditArgs, { timeoutMs: 60_000 });
    for (const line of a.stdout.trimEnd().split('\n')) say(line ? `        ${line}` : '');
    const denied = Number(/, (\d+) denied/.exec(a.stdout)?.[1] ?? -1);
    const bad = files.filter((f) => f.expect === 'refused').length;
    const auditOk = a.status === 1 && denied === bad;
    check(auditOk, auditOk
      ? `imafs audit exits 1 because ${denied} of ${files.length} files are denied`
      : `imafs audit should exit 1 with ${bad} of ${files.length} files denied; it exited ${a.status} with ${denied} denied`);
    say();
    return failures === 0;
  } catch (err) {
    checks++;
    failures++;
    if (!aborted()) say(`      FAIL  ${(err as Error).message}`);
    return false;
  } finally {
    await cleanup(st, say);
    if (aborted()) say('Interrupted: cleaned up.');
    else if (failures === 0) say(`All ${checks} checks behaved as described. To set this up for real: docs/guest-vm.md; in CI: docs/ci.md.`);
    else say(`${failures} of ${checks} checks did not behave as described.`);
  }
}

/** Rejects as soon as the demo is interrupted, so Ctrl-C never waits for a slow step. */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(new Error('interrupted'));
      signal.addEventListener('abort', () => reject(new Error('interrupted')), { once: true });
    }),
  ]);
}

function readOr(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

async function tryFile(f: DemoFile, mnt: string, logJson: string, check: (ok: boolean, line: string) => void): Promise<void> {
  const p = join(mnt, f.path);
  if (f.expect === 'runs') {
    const r = await run(p, f.args ?? [], { timeoutMs: 30_000 });
    const out = r.stdout.trim().split('\n')[0] ?? '';
    check(r.status === 0 && r.stdout === f.stdout, `${f.path} runs: ${out || `(exit ${r.status}) ${r.stderr.trim()}`}`);
    return;
  }
  const cat = await run('cat', [p], { timeoutMs: 30_000 });
  const exec = await run(p, [], { timeoutMs: 30_000 });
  const denied = (r: { status: number | null; stderr: string }): boolean => r.status !== 0 && /permission denied|EACCES/i.test(r.stderr);
  check(denied(cat) && denied(exec), `${f.path} refused: cat and exec get EACCES (Permission denied)`);
  const logged = explainLog(readOr(logJson), f.path);
  check(logged.length > 0 && logged.every((l) => !l.startsWith('ok ')), `  logged: ${logged[0] ?? '(no log line)'}`);
}

async function teardownMount(st: State, say: (s?: string) => void): Promise<void> {
  if (!st.mount) return;
  const problems = await unmountShare(st.mount);
  for (const p of problems) say(`      note: ${p}`);
  st.mount = undefined;
}

/** Unmount before stopping the server (a FUSE mount whose server vanished hangs readers), then remove the temp dir. */
async function cleanup(st: State, say: (s?: string) => void): Promise<void> {
  const done: string[] = [];
  if (st.mount) await teardownMount(st, say);
  if (st.dir) done.push(isMounted(join(st.dir, 'mnt')) ? `STILL MOUNTED: ${join(st.dir, 'mnt')}` : 'unmounted');
  if (st.server) {
    await st.server.stop();
    st.server = undefined;
    done.push('server stopped');
  }
  if (st.dir) {
    const mnt = join(st.dir, 'mnt');
    // Never recurse into a live mount: that would delete the served files.
    if (!isMounted(mnt)) {
      rmSync(st.dir, { recursive: true, force: true });
      done.push(`${st.dir} removed`);
    } else done.push(`left ${st.dir} because ${mnt} is still mounted`);
    st.dir = undefined;
  }
  if (done.length) say(`Cleaning up: ${done.join(', ')}.`);
}

/** A machine that cannot run the demo is a configuration problem (exit 2), found before anything is created. */
class DemoPreflightError extends Error {
  readonly code = 'IMAFS_CONFIG';
}

function preflight(): void {
  if (!existsSync('/dev/fuse')) throw new DemoPreflightError('demo needs /dev/fuse: it mounts a FUSE filesystem (load the fuse module, or run in a container with --device /dev/fuse)');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new DemoPreflightError('demo needs root: it mounts a FUSE filesystem and runs its server and mount as root (run it with sudo, or in a root container)');
  }
}

