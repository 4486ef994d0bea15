/**
 * appraise(): one file's IMA value + its measured digest + the keyring -> a
 * Verdict. Pure and synchronous; it never throws for anything a file or server
 * can control. What to do with the verdict is the Policy's business.
 *
 * Signature checks follow the kernel (ima_appraise.c xattr_verify(),
 * digsig_asymmetric.c asymmetric_verify()): v2 signs the file digest, v3
 * signs H(ima_file_id) (ima-file-id.ts), and the hash used is the one named in
 * the header.
 */
import { timingSafeEqual, constants, publicDecrypt } from 'node:crypto';
import { parseImaBlob, keyidHex, IMA_VERITY_DIGSIG, type ParsedSignature } from './blob-format.js';
import { DEFAULT_ALLOWED_ALGOS, type HashAlgo } from './hash-algo.js';
import { fileIdDigest } from './ima-file-id.js';
import { createVerityMeasurer, fsverityAlgoSupported } from './fsverity-measurer.js';
import { createMeasurer, type Measurer } from './measurer.js';
import { Keyring, type TrustedKey } from './keyring.js';
import { digestInfo, verifyDigestSignature } from './signature-verify.js';
import { noMetadataVerdict, verdict, type Verdict } from './verdict.js';

export interface AppraiseOptions {
  /** Digest-only values are not enough (kernel appraise_type=imasig). */
  requireSignature?: boolean;
  /** Kernel names of acceptable hash algorithms; default DEFAULT_ALLOWED_ALGOS. */
  allowedAlgorithms?: readonly string[];
  /** Time for certificate validity checks; default now. */
  now?: Date;
  /** fs-verity file digest (with the blob's algorithm) for type 0x06 values; default: `digest`. */
  verityDigest?: Buffer | null;
}

export interface AppraiseInput {
  /** The security.ima / FATTR4_IMA value; null or empty: the file has none. */
  blob: Uint8Array | null | undefined;
  /** Digest of the content as createBlobMeasurer(blob) computes it (the fs-verity digest for type 0x06). */
  digest: Uint8Array | null | undefined;
  keyring: Keyring | null | undefined;
  options?: AppraiseOptions;
}

export function appraise(input: AppraiseInput): Verdict {
  const opts = input.options ?? {};
  if (!input.blob || input.blob.length === 0) return noMetadataVerdict();
  const parsed = parseImaBlob(input.blob);
  if ('error' in parsed) return verdict('unknown-format', parsed.error);
  if (parsed.kind === 'unsupported') return verdict('unsupported-format', parsed.reason);
  const extra = { algo: parsed.algo.name, kind: parsed.kind, ...(parsed.kind === 'signature' ? { keyid: keyidHex(parsed.keyid) } : {}) };
  const allowed = opts.allowedAlgorithms ?? DEFAULT_ALLOWED_ALGOS;
  if (!allowed.includes(parsed.algo.name)) {
    return verdict('disallowed-algorithm', `hash algorithm ${parsed.algo.name} is not allowed (allowed: ${allowed.join(', ') || 'none'})`, extra);
  }
  if (!parsed.algo.node) return verdict('unsupported-format', `hash algorithm ${parsed.algo.name} cannot be computed here`, extra);

  if (parsed.kind === 'digest') {
    if (opts.requireSignature) return verdict('signature-required', `file carries only a ${parsed.algo.name} digest; a signature is required`, extra);
    const d = input.digest;
    if (!d || d.length !== parsed.algo.size) return verdict('digest-mismatch', measuredWrong(parsed.algo, d), extra);
    return timingSafeEqual(d, parsed.digest)
      ? verdict('ok', `${parsed.algo.name} digest matches`, extra)
      : verdict('digest-mismatch', `content ${parsed.algo.name} digest does not match the stored digest`, extra);
  }
  return appraiseSignature(parsed, input, opts, extra);
}

function measuredWrong(algo: HashAlgo, d: Uint8Array | null | undefined): string {
  return d ? `measured digest is ${d.length} bytes but ${algo.name} needs ${algo.size} (measured with the wrong algorithm)` : 'no measurement of the content was supplied';
}

function appraiseSignature(sig: ParsedSignature, input: AppraiseInput, opts: AppraiseOptions, extra: Omit<Verdict, 'code' | 'reason'>): Verdict {
  let fileDigest: Uint8Array | null | undefined = input.digest;
  if (sig.type === IMA_VERITY_DIGSIG) {
    if (!fsverityAlgoSupported(sig.algo)) return verdict('unsupported-format', `fs-verity signature with ${sig.algo.name}: fs-verity digests use sha256 or sha512`, extra);
    fileDigest = opts.verityDigest ?? input.digest;
    if (!fileDigest) return verdict('unsupported-format', 'fs-verity signature (type 0x06) needs the fs-verity digest of the content (createBlobMeasurer), which was not supplied', extra);
  }
  if (!fileDigest || fileDigest.length !== sig.algo.size) return verdict('digest-mismatch', measuredWrong(sig.algo, fileDigest), extra);
  const keyring = input.keyring;
  if (!keyring || keyring.size === 0) return verdict('unknown-key', `no trusted keys configured (signature keyid ${keyidHex(sig.keyid)})`, extra);
  const candidates = keyring.lookup(sig.keyid);
  if (candidates.length === 0) return verdict('unknown-key', `no trusted key has keyid ${keyidHex(sig.keyid)}`, extra);

  const signed = sig.version === 3 ? fileIdDigest(sig.type, sig.algo, fileDigest) : fileDigest;
  const now = opts.now ?? new Date();
  let distrust: Verdict | null = null;
  for (const key of candidates) {
    if (!verifyDigestSignature(key, sig.algo, signed, sig.signature)) continue;
    const trust = keyring.trustAt(key, now);
    if (trust.ok) return verdict('ok', `signature verified with key ${key.keyidHex} from ${key.source}`, { ...extra, key: key.source });
    distrust ??= verdict(trust.code, trust.reason, { ...extra, key: key.source });
  }
  if (distrust) return distrust;
  return signatureFailure(sig, signed, candidates, extra);
}

/**
 * No candidate verified. For RSA the signed DigestInfo can be recovered: if a
 * trusted key did sign some *other* digest, the content changed
 * (digest-mismatch) or the header names the wrong algorithm; otherwise the
 * signature is corrupt or from another key (bad-signature). ECDSA cannot tell.
 */
function signatureFailure(sig: ParsedSignature, signed: Uint8Array, keys: readonly TrustedKey[], extra: Omit<Verdict, 'code' | 'reason'>): Verdict {
  for (const key of keys) {
    if (key.type !== 'rsa' || sig.signature.length !== key.modulusBytes) continue;
    let rec: Buffer;
    try { rec = publicDecrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig.signature); } catch { continue; }
    const want = digestInfo(sig.algo, signed);
    if (want && rec.length === want.length && rec.subarray(0, want.length - sig.algo.size).equals(want.subarray(0, want.length - sig.algo.size))) {
      return verdict('digest-mismatch', `signature by key ${key.keyidHex} is authentic but covers a different ${sig.algo.name} digest: content changed after signing`, { ...extra, key: key.source });
    }
    return verdict('bad-signature', `signature by key ${key.keyidHex} was made over a different hash algorithm than the header's ${sig.algo.name}`, { ...extra, key: key.source });
  }
  const ids = [...new Set(keys.map((k) => k.source))].join(', ');
  return verdict('bad-signature', `signature does not verify with key ${keyidHex(sig.keyid)} (${ids}): corrupt signature, changed content, or wrong key`, extra);
}

/**
 * Which algorithm to hash the content with for this blob, so a caller can hash
 * while the bytes stream; null when the blob does not parse (appraise() then
 * needs no digest), the algorithm cannot be computed, or the blob is an
 * fs-verity signature (0x06), whose digest is not a plain hash: use
 * createBlobMeasurer() to cover that case too.
 */
export function measurementAlgo(blob: Uint8Array | null | undefined): HashAlgo | null {
  if (!blob || blob.length === 0) return null;
  const p = parseImaBlob(blob);
  if ('error' in p || p.kind === 'unsupported' || !p.algo.node) return null;
  if (p.kind === 'signature' && p.type === IMA_VERITY_DIGSIG) return null;
  return p.algo;
}

/**
 * The streaming measurer whose digest appraise() needs for this blob: a plain
 * hash with the blob's algorithm, or the fs-verity file digest for type 0x06.
 * null when nothing needs measuring.
 */
export function createBlobMeasurer(blob: Uint8Array | null | undefined): Measurer | null {
  if (!blob || blob.length === 0) return null;
  const p = parseImaBlob(blob);
  if ('error' in p || p.kind === 'unsupported' || !p.algo.node) return null;
  if (p.kind === 'signature' && p.type === IMA_VERITY_DIGSIG) return fsverityAlgoSupported(p.algo) ? createVerityMeasurer(p.algo) : null;
  return createMeasurer(p.algo);
}
