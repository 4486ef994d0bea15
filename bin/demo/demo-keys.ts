/**
 * A fresh publisher key pair and certificate for the demo, made with openssl
 * the way docs/guest-vm.md tells a publisher to: an EC P-256 key (fast to
 * generate) and a self-signed X.509 certificate with a Subject Key Identifier
 * (the keyid in every signature) and digitalSignature key usage.
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
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  await openssl([
    'req', '-new', '-x509', '-key', key, '-out', cert, '-days', '2', '-sha256',
    '-subj', '/CN=imafs demo publisher',
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'subjectKeyIdentifier=hash',
  ]);
  return { key, cert };
}
