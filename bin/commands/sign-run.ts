/**
 * What `imafs sign` does once its flags are parsed; loaded only when the
 * command runs (bin/commands/sign.ts defines the flags). Local files get
 * security.ima; NFS URLs go to sign-remote.ts (SETATTR FATTR4_IMA).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ImafsAppraiserError } from '../../appraiser/errors.js';
import { loadSigningKey, signFile, type SigningKey } from '../../appraiser/io/sign-file.js';
import { removeImaXattr } from '../../appraiser/io/ima-xattr.js';
import { parseImaBlob, keyidHex } from '../../appraiser/core/blob-format.js';
import { resolveHashAlgo } from '../../appraiser/core/measurer.js';
import type { ClientFlags } from '../client-options.js';
import { isRemoteTarget, signRemoteTargets } from './sign-remote.js';
import { EXIT } from '../exit-codes.js';

export interface SignFlags extends ClientFlags {
  key?: string;
  cert?: string;
  hash: string;
  digestOnly?: boolean;
  keyid?: string;
  sigV3?: boolean;
  verity?: boolean;
  print?: boolean;
  remove?: boolean;
  recursive?: boolean;
}

export async function runSign(targets: string[], flags: SignFlags): Promise<void> {
  const remote = targets.filter(isRemoteTarget);
  const local = targets.filter((t) => !isRemoteTarget(t));
  let code: number = EXIT.OK;
  if (local.length) code = await signLocal(local, flags);
  if (remote.length) code = Math.max(code, await signRemoteTargets(remote, { ...flags }));
  process.exitCode = code;
}

async function expand(targets: string[], recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const t of targets) {
    let st;
    try { st = await stat(t); } catch { out.push(t); continue; } // reported by the signing step
    if (st.isDirectory() && recursive) {
      for (const e of (await readdir(t, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = join(t, e.name);
        if (e.isDirectory()) out.push(...(await expand([p], true)));
        else if (e.isFile()) out.push(p);
      }
    } else out.push(t);
  }
  return out;
}

async function signLocal(targets: string[], flags: SignFlags): Promise<number> {
  if (!flags.remove) resolveHashAlgo(flags.hash);
  if (!flags.remove && !flags.digestOnly && !flags.key) throw new ImafsAppraiserError('IMAFS_CONFIG', 'sign needs --key <private.pem> (or --digest-only, or --remove)');
  let keyid: number | undefined;
  if (flags.keyid !== undefined) {
    if (!/^(0x)?[0-9a-f]{1,8}$/i.test(flags.keyid)) throw new ImafsAppraiserError('IMAFS_CONFIG', `--keyid must be up to 8 hex digits, not '${flags.keyid}'`);
    keyid = parseInt(flags.keyid.replace(/^0x/i, ''), 16);
  }
  const key: SigningKey | null = flags.remove || flags.digestOnly ? null : await loadSigningKey(flags.key!, { certFile: flags.cert, keyid });
  let failed = false;
  for (const file of await expand(targets, flags.recursive === true)) {
    try {
      if (flags.remove) {
        await stat(file);
        await removeImaXattr(file);
        process.stdout.write(`${file}: removed security.ima\n`);
        continue;
      }
      const blob = await signFile(file, key, { algo: flags.hash, digestOnly: flags.digestOnly, version: flags.sigV3 ? 3 : 2, verity: flags.verity });
      const p = parseImaBlob(blob);
      const what = 'kind' in p && p.kind === 'signature' ? `${p.type === 6 ? 'fs-verity ' : ''}signature v${p.version} ${p.algo.name} keyid ${keyidHex(p.keyid)}` : `digest ${flags.hash}`;
      process.stdout.write(`${file}: wrote security.ima (${what}, ${blob.length} bytes)${flags.print ? ` ${blob.toString('hex')}` : ''}\n`);
    } catch (e) {
      failed = true;
      const err = e as NodeJS.ErrnoException;
      process.stderr.write(`imafs: ${err.code && !err.code.startsWith('IMAFS_') ? `${file}: ${err.code}` : err.message}\n`);
    }
  }
  return failed ? EXIT.FAILED : EXIT.OK;
}
