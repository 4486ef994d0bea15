/**
 * `imafs sign --key <private.pem> [--cert <cert.pem>] [--hash sha256] [--digest-only] <file...>`:
 * write an evmctl-compatible security.ima on local files.
 */
import type { Command } from 'commander';
import { ImafsAppraiserError } from '../../appraiser/errors.js';
import { loadSigningKey, signFile, type SigningKey } from '../../appraiser/io/sign-file.js';
import { parseImaBlob, keyidHex } from '../../appraiser/core/blob-format.js';
import { resolveHashAlgo } from '../../appraiser/core/measurer.js';
import { EXIT } from '../exit-codes.js';

interface SignFlags {
  key?: string;
  cert?: string;
  hash: string;
  digestOnly?: boolean;
  keyid?: string;
  sigV3?: boolean;
  print?: boolean;
}

export function register(program: Command): void {
  program
    .command('sign')
    .description('write security.ima on local files: a v2 signature (RSA or ECDSA) or a digest, as evmctl ima_sign / ima_hash do')
    .argument('<file...>', 'files to sign')
    .option('--key <private.pem>', 'private key (PEM/PKCS#8; RSA or ECDSA P-256/P-384); may also hold the certificate')
    .option('--cert <cert.pem>', 'certificate of the key: its Subject Key Identifier gives the keyid')
    .option('--hash <algo>', 'hash algorithm (sha256, sha384, sha512, sha1, ...)', 'sha256')
    .option('--digest-only', 'write a digest (type 0x04) instead of a signature')
    .option('--keyid <hex>', 'override the 32-bit keyid (8 hex digits), like evmctl --keyid')
    .option('--sig-v3', 'write a version 3 signature (signs the ima_file_id hash; newer kernels only)')
    .option('--print', 'also print the value written, in hex')
    .action(async (files: string[], flags: SignFlags) => {
      resolveHashAlgo(flags.hash);
      if (!flags.digestOnly && !flags.key) throw new ImafsAppraiserError('IMAFS_CONFIG', 'sign needs --key <private.pem> (or --digest-only)');
      let keyid: number | undefined;
      if (flags.keyid !== undefined) {
        if (!/^(0x)?[0-9a-f]{1,8}$/i.test(flags.keyid)) throw new ImafsAppraiserError('IMAFS_CONFIG', `--keyid must be up to 8 hex digits, not '${flags.keyid}'`);
        keyid = parseInt(flags.keyid.replace(/^0x/i, ''), 16);
      }
      const key: SigningKey | null = flags.digestOnly ? null : await loadSigningKey(flags.key!, { certFile: flags.cert, keyid });
      let failed = false;
      for (const file of files) {
        try {
          const blob = await signFile(file, key, { algo: flags.hash, digestOnly: flags.digestOnly, version: flags.sigV3 ? 3 : 2 });
          const p = parseImaBlob(blob);
          const what = 'kind' in p && p.kind === 'signature' ? `signature v${p.version} ${p.algo.name} keyid ${keyidHex(p.keyid)}` : `digest ${flags.hash}`;
          process.stdout.write(`${file}: wrote security.ima (${what}, ${blob.length} bytes)${flags.print ? ` ${blob.toString('hex')}` : ''}\n`);
        } catch (e) {
          failed = true;
          process.stderr.write(`imafs: ${(e as Error).message}\n`);
        }
      }
      process.exitCode = failed ? EXIT.FAILED : EXIT.OK;
    });
}
