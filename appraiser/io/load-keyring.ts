/**
 * loadKeyring({ keys, ca }): read certificates (PEM or DER, a file or every
 * regular file in a directory, like the kernel's .ima keyring directory
 * convention) and build a core Keyring. Errors name the file: IMAFS_KEY_LOAD.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import { ImafsAppraiserError } from '../errors.js';
import { Keyring, type KeySource } from '../core/keyring.js';
import { loadX509Libs } from './load-x509-libs.js';

export interface KeyringPaths {
  keys: string[];
  ca?: string[];
}

async function readSources(paths: string[], what: string): Promise<KeySource[]> {
  const out: KeySource[] = [];
  for (const p of paths) {
    let st;
    try { st = await stat(p); } catch (e) {
      throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${p}: cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: p, cause: e });
    }
    const files = st.isDirectory()
      ? (await readdir(p, { withFileTypes: true })).filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => join(p, d.name)).sort()
      : [p];
    if (st.isDirectory() && files.length === 0) throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${p}: directory holds no ${what} files`, { file: p });
    for (const f of files) {
      try { out.push({ data: await readFile(f), source: f }); } catch (e) {
        throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${f}: cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: f, cause: e });
      }
    }
  }
  return out;
}

const debug = debuglog('imafs:keyring');

export async function loadKeyring(paths: KeyringPaths): Promise<Keyring> {
  const keys = await readSources(paths.keys, 'key');
  const cas = await readSources(paths.ca ?? [], 'CA certificate');
  const ring = Keyring.fromSources(keys, cas, await loadX509Libs());
  for (const k of ring.keys) debug('key %s (%s) from %s%s', k.keyidHex, k.keyids.map((id) => id.toString(16).padStart(8, '0')).join('/'), k.source, k.chain ? (k.chain.ok ? ` chained to ${k.chain.ca}` : `: ${k.chain.reason}`) : '');
  return ring;
}
