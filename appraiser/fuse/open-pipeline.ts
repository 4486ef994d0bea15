/**
 * The open path: nothing is served before its content has been fetched,
 * measured and appraised, and the policy allowed it for this path and access
 * (read or exec).
 *
 * Every open reads fresh attributes (never the attribute cache), so a file
 * whose change attribute or size differs on the server is appraised again.
 * Verdicts are kept per (fileid, change, size) with the content they were made
 * on; concurrent opens of one version share a single fetch.
 */
import { constants } from 'node:os';
import { debuglog } from 'node:util';
import { noImaSupportVerdict, type Verdict } from '../core/verdict.js';
import type { AttrCache } from './attr-cache.js';
import type { CachedObject, ContentCache } from './content-cache.js';
import { errnoFor, FsErrno } from './errno-map.js';
import { fetchContent, type Measured } from './fetch-content.js';
import type { AccessKind, MountAppraiser, MountDecision } from './mount-appraiser.js';
import { remotePath, type RemoteStat, type RemoteTree } from './remote-tree.js';
import type { ServedVersions } from './served-versions.js';

const debug = debuglog('imafs:fuse:open');
const E = constants.errno;

/** One line for the daemon log: denials, audit warnings, failures. */
export interface MountEvent {
  level: 'deny' | 'warn' | 'error';
  /** Path inside the mount ("/bin/ls"). */
  path: string;
  access: AccessKind;
  /** Verdict code or failure code ("digest-mismatch", "nfs-integrity", "changed-during-fetch"...). */
  code: string;
  reason: string;
  errno?: number;
}

/** One appraisal, for the measurement log (ima-sig ascii and JSON lines). */
export interface MeasurementRecord {
  path: string;
  access: AccessKind;
  measured: Measured;
  blob: Buffer | null;
  verdict: Verdict;
  decision: MountDecision;
  stat: RemoteStat;
}

interface Appraised {
  key: string;
  contentId: string;
  stat: RemoteStat;
  verdict: Verdict;
  measured: Measured;
  blob: Buffer | null;
  /** Not yet written to the measurement log. */
  unlogged: boolean;
  /** The policy's last decision on this version (an exec loop asks the same one every time). */
  last?: { path: string; access: AccessKind; decision: MountDecision };
}

export interface OpenedContent {
  obj: CachedObject;
  stat: RemoteStat;
  contentId: string;
}

export interface OpenPipelineOptions {
  tree: RemoteTree;
  attrs: AttrCache;
  cache: ContentCache;
  appraiser: MountAppraiser;
  served: ServedVersions;
  integrityStatus: number;
  onEvent?: (e: MountEvent) => void;
  onMeasurement?: (m: MeasurementRecord) => void;
  maxVerdicts?: number;
  maxFetchAttempts?: number;
}

const versionKey = (s: RemoteStat): string => `${s.fileid}:${s.change}:${s.size}`;

export class OpenPipeline {
  private readonly verdicts = new Map<string, Appraised>();
  private readonly inflight = new Map<string, Promise<Appraised>>();

  constructor(private readonly o: OpenPipelineOptions) {}

  /** Opens `path` (a mount path) for `access`; rejects with FsErrno after logging why. */
  async open(path: string, access: AccessKind): Promise<OpenedContent> {
    const rpath = remotePath(path);
    try {
      let stat = await this.o.tree.stat(rpath);
      if (stat.type === 'directory') throw new FsErrno('EISDIR');
      if (stat.type !== 'file') throw new FsErrno('ENXIO', `${path} is a ${stat.type}`);
      if (this.o.appraiser.mode === 'strict' && !this.o.tree.imaSupported) {
        const v = noImaSupportVerdict();
        this.emit({ level: 'deny', path, access, code: v.code, reason: `${v.reason}: a Strict client refuses every file of a legacy server (draft §5.3)`, errno: E.EACCES });
        throw new FsErrno('EACCES');
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const a = this.verdicts.get(versionKey(stat)) ?? (await this.appraiseVersion(rpath, stat));
        const decision = this.decide(a, path, access);
        this.report(path, access, a, decision);
        if (!decision.allowed) throw new FsErrno('EACCES');
        // An object whose descriptor is open already is pinned without a promise (an exec loop).
        const now = this.o.cache.openObjectNow(a.contentId);
        const obj = now === null ? await this.o.cache.openObject(a.contentId) : now;
        if (!obj) {
          // Evicted between appraisal and open: fetch and appraise again.
          this.verdicts.delete(a.key);
          stat = await this.o.tree.stat(rpath);
          continue;
        }
        this.touch(a);
        this.o.attrs.put(rpath, a.stat);
        this.o.served.noteOpen(a.stat, a.contentId, path);
        return { obj, stat: a.stat, contentId: a.contentId };
      }
      throw new FsErrno('EIO', `${path}: content evicted repeatedly`);
    } catch (err) {
      if (err instanceof FsErrno) throw err;
      const m = errnoFor(err, this.o.integrityStatus);
      this.emit({ level: m.errno === E.EACCES ? 'deny' : 'error', path, access, code: m.code, reason: m.reason, errno: m.errno });
      throw new FsErrno(m.errno, m.reason);
    }
  }

  /** The policy and the verdict of a version do not change: its decision for a path and access is kept. */
  private decide(a: Appraised, path: string, access: AccessKind): MountDecision {
    const l = a.last;
    if (l && l.path === path && l.access === access) return l.decision;
    const decision = this.o.appraiser.decide(a.verdict, { path, access });
    a.last = { path, access, decision };
    return decision;
  }

  private report(path: string, access: AccessKind, a: Appraised, d: MountDecision): void {
    if (a.unlogged && d.appraised) {
      a.unlogged = false;
      this.o.onMeasurement?.({ path, access, measured: a.measured, blob: a.blob, verdict: a.verdict, decision: d, stat: a.stat });
      if (d.allowed && d.verdict.code !== 'ok') this.emit({ level: 'warn', path, access, code: d.verdict.code, reason: d.verdict.reason });
    }
    if (!d.allowed) this.emit({ level: 'deny', path, access, code: d.verdict.code, reason: d.reason || d.verdict.reason, errno: E.EACCES });
  }

  private emit(e: MountEvent): void {
    debug('%s %s %s: %s %s', e.level, e.access, e.path, e.code, e.reason);
    this.o.onEvent?.(e);
  }

  private touch(a: Appraised): void {
    this.verdicts.delete(a.key);
    this.verdicts.set(a.key, a);
  }

  /** Fetch + measure + appraise one version; concurrent callers share it. */
  private appraiseVersion(rpath: string, stat: RemoteStat): Promise<Appraised> {
    const k = versionKey(stat);
    let p = this.inflight.get(k);
    if (!p) {
      p = this.fetchAndAppraise(rpath).finally(() => this.inflight.delete(k));
      this.inflight.set(k, p);
    }
    return p;
  }

  private async fetchAndAppraise(rpath: string): Promise<Appraised> {
    const ap = this.o.appraiser;
    const t0 = Date.now();
    const f = await fetchContent({
      tree: this.o.tree,
      path: rpath,
      cache: this.o.cache,
      wantIma: ap.mode !== 'disabled' && this.o.tree.imaSupported,
      digestAlgoFor: (blob) => ap.digestAlgoFor(blob),
      maxAttempts: this.o.maxFetchAttempts,
    });
    const blob = this.o.tree.imaSupported ? f.blob : null;
    const verdict = ap.appraise(blob, f.measured);
    debug('fetched %s: %d bytes in %d ms (%d attempt(s)), verdict %s', rpath, f.size, Date.now() - t0, f.attempts, verdict.code);
    // Kept even when denied now: the policy may allow the same version for another access.
    await f.commit();
    const a: Appraised = { key: versionKey(f.stat), contentId: f.contentId, stat: f.stat, verdict, measured: f.measured, blob, unlogged: true };
    this.verdicts.set(a.key, a);
    const max = this.o.maxVerdicts ?? 50_000;
    while (this.verdicts.size > max) this.verdicts.delete(this.verdicts.keys().next().value as string);
    return a;
  }
}
