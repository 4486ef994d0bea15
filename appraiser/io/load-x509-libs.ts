/**
 * pkijs and asn1js, imported on first use. They cost 50-80 ms of CPU to load,
 * so only commands that read certificates (loadKeyring, loadSigningKey with a
 * certificate) pay for them; `--help`, `ls`, `cat`, `stat` and `serve`
 * without --appraise never do. Core parsing takes the modules as a parameter
 * (appraiser/core/certificate.ts X509Libs); pkijs's global crypto engine is
 * never set or used.
 */
import type { X509Libs } from '../core/certificate.js';

let loading: Promise<X509Libs> | undefined;

export function loadX509Libs(): Promise<X509Libs> {
  loading ??= Promise.all([import('pkijs'), import('asn1js')]).then(
    ([pkijs, asn1js]) => ({ pkijs, asn1js }),
    (e: unknown) => { loading = undefined; throw e; },
  );
  return loading;
}
