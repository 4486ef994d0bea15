/**
 * A fresh publisher key pair and certificate for the demo, made with openssl
 * the way docs/guest-vm.md tells a publisher to: a self-signed X.509
 * certificate with a Subject Key Identifier (the keyid in every signature)
 * and digitalSignature key usage. RSA rather than EC because an RSA signature
 * can be opened to show that it covers another digest, so the tampered file's
 * verdict reads "digest-mismatch" (content changed after signing) instead of
 * the vaguer "bad-signature" ECDSA allows.
 */
import { join } from 'node:path';
import { run } from './child-processes.js';

export interface DemoKeys {
  key: string;
  cert: string;
}

async function openssl(args: string[]): Promise<void> {
  const r = await run('openssl', args);
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed (exit ${r.status}): ${r.stderr.trim()}`);
}

export async function makeDemoKeys(dir: string): Promise<DemoKeys> {
  const key = join(dir, 'publisher.key');
  const cert = join(dir, 'publisher.crt');
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
  await openssl([
    'req', '-new', '-x509', '-key', key, '-out', cert, '-days', '2', '-sha256',
    '-subj', '/CN=imafs demo publisher',
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'subjectKeyIdentifier=hash',
  ]);
  return { key, cert };
}
