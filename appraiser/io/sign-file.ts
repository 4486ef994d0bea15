/**
 * Local signing (`imafs sign`): load a private key (and optionally its
 * certificate), measure a file, write a security.ima value that evmctl and the
 * kernel accept.
 *
 * keyid, as evmctl sign_hash_v2(): --keyid if given, else the SKID of a
 * certificate (--cert, or a CERTIFICATE block inside the key file), else
 * SHA-1 of the public key.
 */
import { readFile } from 'node:fs/promises';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ImafsAppraiserError } from '../errors.js';
import { parseCertificate, pemBlocks } from '../core/certificate.js';
import { encodeDigestBlob } from '../core/blob-format.js';
import { keyidFromPublicKey, keyidFromSkid } from '../core/keyid.js';
import { createMeasurer, resolveHashAlgo } from '../core/measurer.js';
import { createVerityMeasurer } from '../core/fsverity-measurer.js';
import { signDigestBlob } from '../core/sign-digest.js';
import { measureFile } from './measure-file.js';
import { writeImaXattr } from './ima-xattr.js';
import { loadX509Libs } from './load-x509-libs.js';

export interface SigningKey {
  privateKey: KeyObject;
  keyid: number;
  source: string;
}

async function readOrFail(file: string, what: string): Promise<Buffer> {
  try { return await readFile(file); } catch (e) {
    throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${file}: cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, cause: e });
  }
}

export async function loadSigningKey(keyFile: string, opts: { certFile?: string; keyid?: number; passphrase?: string } = {}): Promise<SigningKey> {
  const data = await readOrFail(keyFile, 'private key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(data.toString('latin1').includes('-----BEGIN') ? { key: data, format: 'pem', passphrase: opts.passphrase } : { key: data, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${keyFile}: not a usable private key: ${(e as Error).message}`, { file: keyFile, cause: e });
  }
  const t = privateKey.asymmetricKeyType;
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (t !== 'rsa' && !(t === 'ec' && (curve === 'prime256v1' || curve === 'secp384r1' || curve === 'secp521r1'))) {
    throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${keyFile}: unsupported key type ${t}${curve ? ` (${curve})` : ''}; use RSA or ECDSA P-256/P-384/P-521`, { file: keyFile });
  }
  const pub = createPublicKey(privateKey);
  let keyid = keyidFromPublicKey(pub);
  const certSource = opts.certFile ?? keyFile;
  const certData = opts.certFile ? await readOrFail(opts.certFile, 'certificate') : data;
  const ders = certData.toString('latin1').includes('-----BEGIN') ? pemBlocks(certData.toString('latin1'), 'CERTIFICATE') : opts.certFile ? [certData] : [];
  if (opts.certFile && ders.length === 0) throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${opts.certFile}: no certificate found`, { file: opts.certFile });
  if (ders.length > 0) {
    const libs = await loadX509Libs();
    let cert;
    try { cert = parseCertificate(ders[0], libs); } catch (e) {
      throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${certSource}: bad certificate: ${(e as Error).message}`, { file: certSource, cause: e });
    }
    if (!cert.publicKey.equals(pub)) throw new ImafsAppraiserError('IMAFS_KEY_LOAD', `${certSource}: certificate does not match the private key in ${keyFile}`, { file: certSource });
    const skid = cert.skid ? keyidFromSkid(cert.skid) : null;
    if (skid !== null) keyid = skid;
  }
  if (opts.keyid !== undefined) keyid = opts.keyid >>> 0;
  return { privateKey, keyid, source: keyFile };
}

export interface SignFileOptions {
  algo?: string;
  digestOnly?: boolean;
  /** Signature version 2 (default) or 3. */
  version?: 2 | 3;
  /** Sign the fs-verity file digest: a type 0x06 value (sha256 or sha512). */
  verity?: boolean;
  /** Write the value (default true); false only computes it. */
  write?: boolean;
  /** xattr name (default security.ima). */
  xattrName?: string;
}

/** Measure `file` and write its IMA value; returns the value written. */
export async function signFile(file: string, key: SigningKey | null, opts: SignFileOptions = {}): Promise<Buffer> {
  const algo = resolveHashAlgo(opts.algo ?? 'sha256');
  if (opts.verity && opts.digestOnly) throw new ImafsAppraiserError('IMAFS_CONFIG', 'fs-verity values are signatures; --verity cannot be digest-only');
  let measurer;
  try { measurer = opts.verity ? createVerityMeasurer(algo) : createMeasurer(algo); } catch (e) {
    throw new ImafsAppraiserError('IMAFS_CONFIG', (e as Error).message, { cause: e });
  }
  let digest: Buffer;
  try { digest = await measureFile(file, measurer); } catch (e) {
    throw new ImafsAppraiserError('IMAFS_SIGN', `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, cause: e });
  }
  let blob: Buffer;
  if (opts.digestOnly) blob = encodeDigestBlob(algo, digest);
  else {
    if (!key) throw new ImafsAppraiserError('IMAFS_CONFIG', 'a private key is needed to sign (or use digest-only)');
    try { blob = signDigestBlob({ privateKey: key.privateKey, algo, digest, keyid: key.keyid, version: opts.version, verity: opts.verity }); } catch (e) {
      throw new ImafsAppraiserError('IMAFS_SIGN', `${file}: signing failed: ${(e as Error).message}`, { file, cause: e });
    }
  }
  if (opts.write !== false) await writeImaXattr(file, blob, opts.xattrName);
  return blob;
}
