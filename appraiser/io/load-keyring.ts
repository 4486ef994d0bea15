/**
 * loadKeyring({ keys, ca }): read certificates (PEM or DER, a file or every
 * regular file in a directory, like the kernel's .ima keyring directory
 * convention) and build a core Keyring. Errors name the file: IMAFS_KEY_LOAD.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import { ImafsAppraiserError } from '../errors.js';
import { Keyring, type KeySource } from '../core/keyring.js';
import { loadX509Libs } from './load-x509-libs.js';

export interface KeyringPaths {
  keys: string[];
  ca?: string[];
}

// Synchronous reads: a few small files once at start-up, where each thread-pool
// round trip would cost more than the read (and CLI start-up is measured).
function readSources(paths: string[], what: string): KeySource[] {
  const out: KeySource[] = [];
  for (const p of paths) {
    let st;
    try { st = statSync(p); } catch (e) {
      throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${p}: cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: p, cause: e });
    }
    const files = st.isDirectory()
      ? readdirSync(p, { withFileTypes: true }).filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => join(p, d.name)).sort()
      : [p];
    if (st.isDirectory() && files.length === 0) throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${p}: directory holds no ${what} files`, { file: p });
    for (const f of files) {
      try { out.push({ data: readFileSync(f), source: f }); } catch (e) {
        throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${f}: cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: f, cause: e });
      }
    }
  }
  return out;
}

const debug = debuglog('imafs:keyring');

export async function loadKeyring(paths: KeyringPaths): Promise<Keyring> {
  const keys = readSources(paths.keys, 'key');
  const cas = readSources(paths.ca ?? [], 'CA certificate');
  // pkijs parses where CA chains are checked; plain trusted keys need only OpenSSL plus the DER walk.
  const ring = Keyring.fromSources(keys, cas, cas.length > 0 ? await loadX509Libs() : undefined);
  for (const k of ring.keys) debug('key %s (%s) from %s%s', k.keyidHex, k.keyids.map((id) => id.toString(16).padStart(8, '0')).join('/'), k.source, k.chain ? (k.chain.ok ? ` chained to ${k.chain.ca}` : `: ${k.chain.reason}`) : '');
  return ring;
}
