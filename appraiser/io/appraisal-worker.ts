/**
 * The worker_threads side of pool-thread.ts. Rebuilds the keyring once
 * from the certificate bytes and the Policy from its plain config (workerData,
 * or the first message), says
 * `ready`, then answers batches: pure appraise() jobs, or whole local files
 * (appraise-local-file.ts). Anything a batch throws becomes an error reply
 * for that batch; the pool turns a dead thread into per-job errors.
 */
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { appraise } from '../core/appraise.js';
import { Keyring, type KeySource } from '../core/keyring.js';
import { Policy } from '../core/policy.js';
import { loadX509Libs } from './load-x509-libs.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool-thread.js';

const port = parentPort!;
// Started before its keys were known (pool-thread.ts): they come as the first message.
const init = (workerData as WorkerInit | null) ?? ((await once(port, 'message'))[0] as Extract<WorkerRequest, { kind: 'init' }>).init;

// Structured clone turns Buffers into plain Uint8Arrays.
const asBuffer = (u: Uint8Array | null | undefined): Buffer | null => (u ? Buffer.from(u.buffer, u.byteOffset, u.byteLength) : null);
const sources = (list: KeySource[]): KeySource[] => list.map((s) => ({ data: asBuffer(s.data)!, source: s.source }));

const keyring = Keyring.fromSources(sources(init.keys), sources(init.cas), init.cas.length > 0 ? await loadX509Libs() : undefined);
const policy = new Policy(init.policy);

async function answer(m: WorkerRequest): Promise<WorkerReply> {
  if (m.kind === 'init') throw new Error('init sent twice');
  if (m.kind === 'jobs') {
    return {
      id: m.id, ok: true,
      results: m.jobs.map((j) => appraise({
        blob: asBuffer(j.blob), digest: asBuffer(j.digest), keyring,
        options: j.options ?? policy.appraiseOptions({ path: j.path, access: j.access }),
      })),
    };
  }
  const results = [];
  // Loaded on the first whole file: a worker that only checks signatures never needs the file and xattr modules.
  const { appraiseLocalFile } = await import('./appraise-local-file.js');
  const o = { keyring, policy, access: m.access, now: m.now };
  for (const f of m.files) {
    const r = appraiseLocalFile(f, o);
    results.push(r instanceof Promise ? await r : r);
  }
  return { id: m.id, ok: true, results };
}

port.on('message', (m: WorkerRequest) => {
  answer(m).then(
    (r) => port.postMessage(r),
    (e: unknown) => port.postMessage({ id: m.id, ok: false, error: { message: (e as Error)?.message ?? String(e) } } satisfies WorkerReply),
  );
});
port.postMessage({ ready: true } satisfies WorkerReply);
