/**
 * The appraiser's public API. Core (pure: formats, algorithms, keyring from
 * buffers, verification, verdicts, policy) and io (files, xattrs, logs,
 * signing). See docs/appraisal.md.
 */
export { ImafsAppraiserError, type AppraiserErrorCode } from './errors.js';

// core: formats and algorithms
export {
  parseImaBlob, encodeDigestBlob, encodeSignatureBlob, keyidHex,
  IMA_XATTR_DIGEST, EVM_XATTR_HMAC, EVM_IMA_XATTR_DIGSIG, IMA_XATTR_DIGEST_NG, EVM_XATTR_PORTABLE_DIGSIG, IMA_VERITY_DIGSIG,
  IMA_BLOB_MAX, SIG_V2_HDR_LEN,
  type ParsedBlob, type ParsedDigest, type ParsedSignature, type ParsedUnsupported, type ParseResult,
} from './core/blob-format.js';
export { hashAlgoById, hashAlgoByName, hashAlgoName, allHashAlgos, DEFAULT_ALLOWED_ALGOS, type HashAlgo } from './core/hash-algo.js';
export { createMeasurer, measureBuffer, resolveHashAlgo, type Measurer } from './core/measurer.js';
export { keyidFromPublicKey, keyidFromSkid, spkiPublicKeyBits } from './core/keyid.js';
export { fileIdDigest } from './core/ima-file-id.js';

// core: keys, verification, verdicts, policy
export { Keyring, type KeySource, type TrustedKey, type TrustResult } from './core/keyring.js';
export { parseCertificate, type ParsedCertificate, type X509Libs } from './core/certificate.js';
export { loadX509Libs } from './io/load-x509-libs.js';
export { verifyDigestSignature, digestInfo } from './core/signature-verify.js';
export { appraise, measurementAlgo, createBlobMeasurer, type AppraiseInput, type AppraiseOptions } from './core/appraise.js';
export { createVerityMeasurer, fsverityAlgoSupported } from './core/fsverity-measurer.js';
export {
  verdict, noImaSupportVerdict, noMetadataVerdict, NO_IMA_SUPPORT_REASON, VERDICT_CODES,
  type Verdict, type VerdictCode,
} from './core/verdict.js';
export {
  Policy, defaultPolicyConfig, normalizePolicyConfig, POLICY_MODES,
  type PolicyConfig, type PolicyMode, type PolicyRule, type AccessKind, type AccessContext, type Decision, type AppraisalNeed,
} from './core/policy.js';
export { parsePolicyText } from './core/policy-file.js';
export { compilePathPattern } from './core/path-pattern.js';
export { templateHash, imaSigAsciiLine, imaSigFields, jsonLogRecord, IMA_PCR, type MeasurementInput, type JsonLogRecord } from './core/measurement-entry.js';
export { signDigestBlob, signDigestRaw, type SignDigestInput } from './core/sign-digest.js';

// io
export { loadKeyring, type KeyringPaths } from './io/load-keyring.js';
export { loadPolicy, loadPolicyConfig } from './io/load-policy.js';
export { readImaXattr, readImaXattrSync, writeImaXattr, removeImaXattr, IMA_XATTR_NAME } from './io/ima-xattr.js';
export { measureFile, measureFileSync } from './io/measure-file.js';
export { MeasurementLog, type MeasurementLogPaths, type LogEntry } from './io/measurement-log.js';
export { loadSigningKey, signFile, type SigningKey, type SignFileOptions } from './io/sign-file.js';
export { appraiseFile, appraiseFileSync, type FileAppraisal, type AppraiseFileOptions } from './io/appraise-file.js';
