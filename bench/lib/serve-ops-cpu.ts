/**
 * Server CPU per file of the two halves of an audit, without the audit
 * client's own work in the way: `node dist/bench/lib/serve-ops-cpu.js [runs]`
 * against the tree serve-audit-cpu.js builds (IMAFS_CPU_TREE, default
 * /tmp/srvcpu). A hand-made client (test/integration/server/raw-nfs) sends
 *   1. READDIR rounds asking what `imafs audit` asks (handle, stat, FATTR4_IMA),
 *   2. COMPOUNDs of SEQUENCE + 31 x (PUTFH, READ whole file), 4 in flight,
 *   3. what the mount sends per exec of a cached binary (PUTROOTFH, LOOKUP,
 *      GETFH, GETATTR with FATTR4_IMA), one at a time,
 * and the server's CPU (from /proc/PID/stat) is divided by the files.
 * A profiling tool, not a benchmark (no peer, no goal).
 */
import { existsSync, readFileSync } from 'node:fs';
import { ANONYMOUS_STATEID, FATTR4 } from '../../client/nfs4/constants.js';
import { decodeFattr, makeAttrConfig } from '../../client/nfs4/fattr.js';
import { lookupOp } from '../../client/nfs4/ops/lookup.js';
import { putfhOp } from '../../client/nfs4/ops/putfh.js';
import { putrootfhOp } from '../../client/nfs4/ops/putrootfh.js';
import { getfhOp } from '../../client/nfs4/ops/getfh.js';
import { readOp } from '../../client/nfs4/ops/read.js';
import { getattrOp } from '../../client/nfs4/ops/getattr.js';
import { readdirOp } from '../../client/nfs4/ops/readdir.js';
import { STAT_ATTRS } from '../../client/nfs-stat.js';
import { startImafsServe } from '../../test/helpers/imafs-serve.js';
import { RawNfs } from '../../test/integration/server/raw-nfs.js';

const base = process.env.IMAFS_CPU_TREE ?? '/tmp/srvcpu';
if (!existsSync(`${base}/ready.json`)) {
  process.stderr.write(`no tree in ${base}: build it first with IMAFS_CPU_TREE=${base} node dist/bench/lib/serve-audit-cpu.js\n`);
  process.exit(2);
}
const { dir } = JSON.parse(readFileSync(`${base}/ready.json`, 'utf8')) as { dir: string };
const runs = Number(process.argv[2] ?? 3);
const EXECS = Number(process.env.IMAFS_OPS_EXECS ?? 3000);
/** IMAFS_OPS_EXEC_ONLY=1: only the exec-like COMPOUNDs (for profiling them). */
const EXEC_ONLY = process.env.IMAFS_OPS_EXEC_ONLY === '1';
const EXEC_GAP_MS = Number(process.env.IMAFS_OPS_EXEC_GAP_MS ?? 0);
const cfg = makeAttrConfig(93);
const MASK = [...new Set([FATTR4.RDATTR_ERROR, FATTR4.FILEHANDLE, ...STAT_ATTRS, 93])].sort((a, b) => a - b);

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const v = f.slice(f.lastIndexOf(')') + 2).split(' ').map(Number);
  return (v[11] + v[12]) * 10;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Res = any;

async function main(): Promise<void> {
  const srv = await startImafsServe(dir);
  const c = await RawNfs.connect(srv.port);
  try {
    await c.createSession(2, { maxOperations: 64, maxRequests: 8, maxResponseSize: 2 << 20 });
    const root = await c.seq(2, [[putrootfhOp, {}], [getfhOp, {}]]);
    const rootFh = Buffer.from((root.results[2].res as Res).resok.object);
    const names = [...Array(10).keys()].map((i) => `d${String(i).padStart(2, '0')}`);
    const dirFhs: Buffer[] = [];
    for (const n of names) {
      const r = await c.seq(2, [[putfhOp, { object: rootFh }], [lookupOp, { objname: n }], [getfhOp, {}]]);
      dirFhs.push(Buffer.from((r.results[3].res as Res).resok.object));
    }
    for (let run = 0; run <= runs; run++) {
      const files: { fh: Buffer; size: number }[] = [];
      let t0 = cpuMs(srv.pid);
      for (const fh of EXEC_ONLY ? [] : dirFhs) {
        let cookie = 0n;
        let verf = Buffer.alloc(8);
        for (;;) {
          const r = await c.seq(2, [[putfhOp, { object: fh }], [readdirOp, { cookie, cookieverf: verf, dircount: 8192, maxcount: 32768, attrRequest: MASK }]]);
          const ok = (r.results[2].res as Res).resok;
          for (const e of ok.entries) {
            const f = decodeFattr(e.attrs, cfg);
            files.push({ fh: Buffer.from(f.filehandle!), size: Number(f.size) });
          }
          if (ok.eof) break;
          cookie = ok.entries[ok.entries.length - 1].cookie;
          verf = Buffer.from(ok.cookieverf);
        }
      }
      const listMs = cpuMs(srv.pid) - t0;
      t0 = cpuMs(srv.pid);
      let next = 0;
      let bytes = 0;
      const lane = async (slot: number): Promise<void> => {
        while (next < files.length) {
          const batch = files.slice(next, next + 31);
          next += batch.length;
          const ops = batch.flatMap((f) => [[putfhOp, { object: f.fh }], [readOp, { stateid: ANONYMOUS_STATEID, offset: 0n, count: f.size + 1 }]] as [typeof putfhOp, unknown][]);
          const r = await c.seq(2, ops as never, { slot });
          if (r.status !== 0) throw new Error(`READ batch: status ${r.status}`);
          for (let k = 0; k < batch.length; k++) bytes += (r.results[2 + 2 * k].res as Res).resok.data.length;
        }
      };
      await Promise.all([0, 1, 2, 3].map(lane));
      const readMs = cpuMs(srv.pid) - t0;
      // What the mount sends per exec of a cached binary: a path walk and its attributes.
      t0 = cpuMs(srv.pid);
      for (let k = 0; k < EXECS; k++) {
        const r = await c.seq(2, [[putrootfhOp, {}], [lookupOp, { objname: 'd00' }], [lookupOp, { objname: 'f00000' }], [getfhOp, {}], [getattrOp, { attrRequest: MASK }]]);
        if (r.status !== 0) throw new Error(`exec-like COMPOUND: status ${r.status}`);
        // IMAFS_OPS_EXEC_GAP_MS: idle time between them, as between the execs of a shell loop.
        if (EXEC_GAP_MS > 0) await new Promise((res) => setTimeout(res, EXEC_GAP_MS));
      }
      const execUs = ((cpuMs(srv.pid) - t0) * 1000) / EXECS;
      const n = Math.max(1, files.length);
      process.stdout.write(`${run === 0 ? 'warm-up' : `run ${run}`}: ${n} files  READDIR ${((listMs * 1000) / n).toFixed(1)} us/file  PUTFH+READ ${((readMs * 1000) / n).toFixed(1)} us/file  total ${(((listMs + readMs) * 1000) / n).toFixed(1)} us/file (${(bytes / 1048576).toFixed(1)} MiB read)  PUTROOTFH+2xLOOKUP+GETFH+GETATTR ${execUs.toFixed(1)} us\n`);
    }
  } finally {
    c.close();
    await srv.stop();
  }
}

await main();
