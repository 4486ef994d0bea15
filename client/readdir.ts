import { FATTR4 } from './nfs4/constants.js';
import { decodeFattr, type AttrConfig } from './nfs4/fattr.js';
import { putfhOp } from './nfs4/ops/putfh.js';
import { readdirOp } from './nfs4/ops/readdir.js';
import { NFS4_OK, statusName } from './nfs4/status.js';
import { statFromFattr, STAT_ATTRS, type NfsStat } from './nfs-stat.js';
import { op, resultOf } from './session/compound-call.js';
import type { NfsSession } from './session/nfs-session.js';
import { ProtocolError } from './errors.js';

export interface DirEntry {
  name: string;
  type: string;
  size: number;
  /** undefined when the server could not read this entry's attributes (see `error`). */
  stat: NfsStat | undefined;
  fh: Buffer | undefined;
  /** rdattr_error for this entry, e.g. "NFS4ERR_ACCESS"; undefined when its attributes came. */
  error: string | undefined;
  /**
   * FATTR4_IMA from this listing when asked for (readdir `{ ima: true }`):
   * empty when the file has none. A value of this one pass, for an appraisal
   * done right away, never to be kept (draft §4.4).
   */
  ima?: Buffer;
}

/** Directory bytes per READDIR reply: small enough that big directories take several rounds. */
const MAXCOUNT = 32 * 1024;
const DIRCOUNT = 8 * 1024;
/** A directory that never reaches EOF is a broken server, not a big directory. */
const MAX_ROUNDS = 100_000;

/**
 * RFC 8881 §18.23 READDIR in rounds: cookie 0 and a zero verifier first,
 * then the last entry's cookie and the verifier the server returned, until
 * eof. Each entry asks for rdattr_error, so one unreadable entry is reported
 * on that entry instead of failing the listing (RFC 8881 §5.8.1.12).
 */
export async function readAllEntries(session: NfsSession, attrs: AttrConfig, fh: Buffer, path: string, supported: ReadonlySet<number>, onRound?: () => void, extra: readonly number[] = []): Promise<DirEntry[]> {
  const want = [FATTR4.RDATTR_ERROR, FATTR4.FILEHANDLE, ...STAT_ATTRS, ...extra].filter((a) => supported.size === 0 || supported.has(a) || a === FATTR4.RDATTR_ERROR);
  const mask = [...new Set(want)].sort((a, b) => a - b);
  const out: DirEntry[] = [];
  let cookie = 0n;
  let verf = Buffer.alloc(8);
  const maxcount = Math.min(MAXCOUNT, Math.max(4096, session.maxResponseSize - 1024));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const ops = [op(putfhOp, { object: fh }), op(readdirOp, { cookie, cookieverf: verf, dircount: DIRCOUNT, maxcount, attrRequest: mask })];
    const res = await session.compoundRaw(ops);
    if (res.status !== NFS4_OK) throw session.errorFor(res, ops, path);
    onRound?.();
    const ok = resultOf(res, 1, readdirOp).resok!;
    for (const e of ok.entries) {
      const f = decodeFattr(e.attrs, attrs);
      const failed = f.rdattrError !== undefined && f.rdattrError !== NFS4_OK;
      const stat = failed ? undefined : statFromFattr(f);
      out.push({
        name: e.name,
        type: stat?.type ?? 'unknown',
        size: stat?.size ?? 0,
        stat,
        fh: f.filehandle ? Buffer.from(f.filehandle) : undefined,
        error: failed ? statusName(f.rdattrError!) : undefined,
        ...(extra.includes(attrs.imaAttr) && !failed ? { ima: f.ima ? Buffer.from(f.ima) : Buffer.alloc(0) } : {}),
      });
    }
    if (ok.eof) return out;
    if (ok.entries.length === 0) throw new ProtocolError(`READDIR ${path}: no entries and no EOF`);
    cookie = ok.entries[ok.entries.length - 1].cookie;
    verf = Buffer.from(ok.cookieverf);
  }
  throw new ProtocolError(`READDIR ${path}: no EOF after ${MAX_ROUNDS} rounds`);
}
