/**
 * `imafs sign --key <private.pem> [--cert <cert.pem>] [--hash sha256] [--digest-only] <target...>`:
 * write an evmctl-compatible security.ima on local files. NFS targets
 * (nfs://host/path, host:/path) go to sign-remote.ts, which stores the same
 * value as FATTR4_IMA.
 */
import type { Command } from '../commander.js';
import { addClientOptions } from '../client-options.js';
import type { SignFlags } from './sign-run.js';

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
  cmd.action(async (targets: string[], flags: SignFlags) => (await import('./sign-run.js')).runSign(targets, flags));
}
