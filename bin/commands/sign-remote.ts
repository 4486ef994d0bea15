/**
 * `imafs sign` on NFS URLs (draft §5.2, full-function client): measure the
 * file over NFS, make the same value `imafs sign` writes locally, and store it
 * with SETATTR FATTR4_IMA; `--remove` stores the zero-length value, which the
 * draft defines as removal (§4.3). `bin/commands/sign.ts` dispatches NFS
 * targets here. Returns the exit code: 0 all stored, 1 any target failed.
 */
import type { NfsClient } from '../../client/nfs-client.js';
import { encodeDigestBlob, keyidHex, parseImaBlob } from '../../appraiser/core/blob-format.js';
import { createMeasurer, resolveHashAlgo } from '../../appraiser/core/measurer.js';
import { signDigestBlob } from '../../appraiser/core/sign-digest.js';
import { ImafsAppraiserError } from '../../appraiser/errors.js';
import { loadSigningKey, type SigningKey } from '../../appraiser/io/sign-file.js';
import { parseNfsUrl, type NfsLocation } from '../../client/url.js';
import { clientOptionsFromFlags, type ClientFlags } from '../client-options.js';
import { EXIT } from '../exit-codes.js';

export interface RemoteSignOptions extends ClientFlags {
  key?: string;
  cert?: string;
  hash?: string;
  digestOnly?: boolean;
  /** 8 hex digits, or a number; overrides the certificate's keyid. */
  keyid?: string | number;
  sigV3?: boolean;
  print?: boolean;
  remove?: boolean;
  recursive?: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

/** True for `nfs://...` and mount.nfs-style `host:/path` targets. */
export function isRemoteTarget(t: string): boolean {
  return /^nfs:\/\//i.test(t) || /^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^/:[\]\s]+):\//.test(t);
}

/** One clear sentence per failure a user can act on (NFS status names stay in it for searching). */
export function explainSignError(target: string, err: unknown, removing: boolean): string {
  const status = (err as { statusName?: string })?.statusName;
  const what = removing ? 'remove the IMA metadata of' : 'store IMA metadata on';
  if (status === 'NFS4ERR_ACCESS' || status === 'NFS4ERR_PERM') {
    return `${target}: the server refused to ${what} this file (${status}): its update policy (imafs serve --ima-updates) does not allow this client or user`;
  }
  if (status === 'NFS4ERR_ATTRNOTSUPP') return `${target}: the server does not support setting FATTR4_IMA (${status}); it cannot store IMA metadata`;
  if (status === 'NFS4ERR_ROFS') return `${target}: the export is read-only (${status})`;
  if (status === 'NFS4ERR_INVAL') return `${target}: the server rejected the value (${status}; FATTR4_IMA holds at most 4096 bytes)`;
  return `${target}: ${(err as Error)?.message ?? String(err)}`;
}

function serverUrl(l: NfsLocation): string {
  const host = l.host.includes(':') ? `[${l.host}]` : l.host;
  return `nfs://${host}:${l.port}/${l.minorVersion ? `?version=4.${l.minorVersion}` : ''}`;
}

interface Ctx {
  client: NfsClient;
  key: SigningKey | null;
  o: RemoteSignOptions;
  say: (s: string) => void;
  fail: (s: string) => void;
}

async function makeBlob(c: Ctx, path: string): Promise<Buffer> {
  const algo = resolveHashAlgo(c.o.hash ?? 'sha256');
  const m = createMeasurer(algo);
  for await (const chunk of c.client.read(path)) m.update(chunk);
  const digest = m.digest();
  if (c.o.digestOnly) return encodeDigestBlob(algo, digest);
  return signDigestBlob({ privateKey: c.key!.privateKey, algo, digest, keyid: c.key!.keyid, version: c.o.sigV3 ? 3 : 2 });
}

function describe(blob: Buffer): string {
  const p = parseImaBlob(blob);
  if ('error' in p) return `${blob.length} bytes`;
  if (p.kind === 'signature') return `signature v${p.version} ${p.algo.name} keyid ${keyidHex(p.keyid)}, ${blob.length} bytes`;
  if (p.kind === 'digest') return `digest ${p.algo.name}, ${blob.length} bytes`;
  return `${blob.length} bytes`;
}

async function signOne(c: Ctx, label: string, path: string): Promise<boolean> {
  try {
    if (c.o.remove) {
      await c.client.removeIma(path);
      c.say(`${label}: removed FATTR4_IMA`);
      return true;
    }
    const blob = await makeBlob(c, path);
    await c.client.setIma(path, blob);
    c.say(`${label}: stored FATTR4_IMA (${describe(blob)})${c.o.print ? ` ${blob.toString('hex')}` : ''}`);
    return true;
  } catch (err) {
    c.fail(explainSignError(label, err, c.o.remove === true));
    return false;
  }
}

/** Every regular file under `dir` (symlinks are not followed: a link's target is signed where it lives). */
async function* walk(client: NfsClient, dir: string): AsyncGenerator<string> {
  const entries = await client.readdir(dir);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = `${dir.replace(/\/$/, '')}/${e.name}`;
    if (e.type === 'directory') yield* walk(client, p);
    else if (e.type === 'file') yield p;
  }
}

async function signTarget(c: Ctx, target: string, path: string): Promise<boolean> {
  let st;
  try {
    st = await c.client.stat(path);
  } catch (err) {
    c.fail(explainSignError(target, err, c.o.remove === true));
    return false;
  }
  if (st.type === 'file') return await signOne(c, target, path);
  if (st.type !== 'directory') {
    c.fail(`${target}: is a ${st.type}, not a regular file; nothing signed`);
    return false;
  }
  if (!c.o.recursive) {
    c.fail(`${target}: is a directory (use --recursive to sign every file below it)`);
    return false;
  }
  let ok = true;
  try {
    for await (const p of walk(c.client, path)) ok = (await signOne(c, `${target.replace(/\/$/, '')}${p.slice(path.replace(/\/$/, '').length)}`, p)) && ok;
  } catch (err) {
    c.fail(explainSignError(target, err, c.o.remove === true));
    return false;
  }
  return ok;
}

export async function signRemoteTargets(targets: string[], opts: RemoteSignOptions): Promise<number> {
  const out = opts.out ?? process.stdout;
  const errOut = opts.err ?? process.stderr;
  if (!opts.remove) resolveHashAlgo(opts.hash ?? 'sha256');
  if (!opts.remove && !opts.digestOnly && !opts.key) throw new ImafsAppraiserError('IMAFS_CONFIG', 'sign needs --key <private.pem> (or --digest-only, or --remove)');
  let keyid: number | undefined;
  if (opts.keyid !== undefined) {
    keyid = typeof opts.keyid === 'number' ? opts.keyid : parseInt(opts.keyid.replace(/^0x/i, ''), 16);
    if (!Number.isInteger(keyid) || keyid < 0 || keyid > 0xffffffff) throw new ImafsAppraiserError('IMAFS_CONFIG', `--keyid must be up to 8 hex digits, not '${String(opts.keyid)}'`);
  }
  const key = opts.remove || opts.digestOnly ? null : await loadSigningKey(opts.key!, { certFile: opts.cert, keyid });
  // Parse every target first: a typo in the last one should not leave the first half signed.
  const byServer = new Map<string, Array<{ target: string; path: string }>>();
  for (const t of targets) {
    const loc = parseNfsUrl(t);
    const k = serverUrl(loc);
    byServer.set(k, [...(byServer.get(k) ?? []), { target: t, path: loc.path }]);
  }
  const { NfsClient } = await import('../../client/nfs-client.js');
  let failed = false;
  let unreachable = 0;
  let failures = 0;
  const say = (s: string): void => { out.write(`${s}\n`); };
  const fail = (s: string): void => { failed = true; failures++; errOut.write(`imafs: ${s}\n`); };
  for (const [url, items] of byServer) {
    let client: NfsClient;
    try {
      client = await NfsClient.connect(url, clientOptionsFromFlags(opts));
    } catch (err) {
      if ((err as { code?: unknown })?.code === 'IMAFS_USAGE') throw err;
      for (const it of items) fail(`${it.target}: cannot reach the server: ${(err as Error).message}`);
      unreachable += items.length;
      continue;
    }
    try {
      if (!client.imaSupported) {
        for (const it of items) fail(`${it.target}: the server does not support FATTR4_IMA (a legacy NFS server); it cannot store IMA metadata`);
        continue;
      }
      const c: Ctx = { client, key, o: opts, say, fail };
      for (const it of items) await signTarget(c, it.target, it.path);
    } finally {
      await client.close().catch(() => {});
    }
  }
  // Exit 3 only when nothing was attempted because no server could be reached.
  if (failed && unreachable === failures) return EXIT.UNREACHABLE;
  return failed ? EXIT.FAILED : EXIT.OK;
}
