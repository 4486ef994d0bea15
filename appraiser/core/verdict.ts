/**
 * Verdicts are values: what the appraiser concluded about one file, with a
 * stable code and a human reason. Only a Policy turns a verdict into allow/deny.
 */
export type VerdictCode =
  | 'ok'
  | 'no-metadata'
  | 'unknown-format'
  | 'unsupported-format'
  | 'digest-mismatch'
  | 'bad-signature'
  | 'unknown-key'
  | 'untrusted-key'
  | 'expired-key'
  | 'disallowed-algorithm'
  | 'signature-required';

export const VERDICT_CODES: readonly VerdictCode[] = Object.freeze([
  'ok', 'no-metadata', 'unknown-format', 'unsupported-format', 'digest-mismatch', 'bad-signature',
  'unknown-key', 'untrusted-key', 'expired-key', 'disallowed-algorithm', 'signature-required',
]);

export interface Verdict {
  code: VerdictCode;
  reason: string;
  /** Kernel name of the blob's hash algorithm, when the blob parsed. */
  algo?: string;
  /** keyid from a signature blob, 8 hex digits. */
  keyid?: string;
  /** What the blob carried: a plain digest or a signature. */
  kind?: 'digest' | 'signature';
  /** Source (file/dir) of the key that verified the signature. */
  key?: string;
}

export function verdict(code: VerdictCode, reason: string, extra: Omit<Verdict, 'code' | 'reason'> = {}): Verdict {
  return { code, reason, ...extra };
}

export const NO_IMA_SUPPORT_REASON = 'server does not support FATTR4_IMA';

/** The verdict for a file served by an NFS server that lacks FATTR4_IMA (legacy server). */
export function noImaSupportVerdict(): Verdict {
  return verdict('no-metadata', NO_IMA_SUPPORT_REASON);
}

/** The verdict for a file that simply has no security.ima. */
export function noMetadataVerdict(): Verdict {
  return verdict('no-metadata', 'file has no IMA metadata');
}
