/**
 * `imafs sign --key <private.pem> [--cert <cert.pem>] [--hash sha256] [--digest-only] <target...>`:
 * write an evmctl-compatible security.ima on local files. NFS targets
 * (nfs://host/path, host:/path) go to sign-remote.ts, which stores the same
 * value as FATTR4_IMA.
 */
import type { Command } from 'commander';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ImafsAppraiserError } from '../../appraiser/errors.js';
import { loadSigningKey, signFile, type SigningKey } from '../../appraiser/io/sign-file.js';
import { removeImaXattr } from '../../appraiser/io/ima-xattr.js';
import { parseImaBlob, keyidHex } from '../../appraiser/core/blob-format.js';
import { resolveHashAlgo } from '../../appraiser/core/measurer.js';
import { addClientOptions, type ClientFlags } from '../client-options.js';
import { isRemoteTarget, signRemoteTargets } from './sign-remote.js';
import { EXIT } from '../exit-codes.js';

interface SignFlags extends ClientFlags {
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

export function register(program: Command): void {
  const cmd = program
    .command('sign')
    .description('write security.ima (local files) or FATTR4_IMA (NFS URLs): a v2 signature (RSA or ECDSA) or a digest, as evmctl ima_sign / ima_hash do')
    .argument('<target...>', 'local files (or directories with --recursive), or nfs://host[:port]/path / host:/path')
    .option('--key <private.pem>', 'private key (PEM/PKCS#8; RSA or ECDSA P-256/P-384); may also hold the certificate')
    .option('--cert <cert.pem>', 'certificate of the key: its Subject Key Identifier gives the keyid')
    .option('--hash <algo>', 'hash algorithm (sha256, sha384, sha512, sha1, ...)', 'sha256')
    .option('--digest-only', 'write a digest (type 0x04) instead of a signature')
    .option('--keyid <hex>', 'override the 32-bit keyid (8 hex digits), like evmctl --keyid')
    .option('--sig-v3', 'write a version 3 signature (signs the ima_file_id hash; newer kernels only)')
    .option('--verity', 'sign the fs-verity file digest (type 0x06 value, sha256 or sha512)')
    .option('--print', 'also print the value written, in hex')
    .option('--remove', 'remove the IMA metadata instead of writing it')
    .option('-r, --recursive', 'sign every regular file under directory targets');
  addClientOptions(cmd);
  cmd.action(async (targets: string[], flags: SignFlags) => {
    const remote = targets.filter(isRemoteTarget);
    const local = targets.filter((t) => !isRemoteTarget(t));
    let code: number = EXIT.OK;
    if (local.length) code = await signLocal(local, flags);
    if (remote.length) code = Math.max(code, await signRemoteTargets(remote, { ...flags }));
    process.exitCode = code;
  });
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
