/**
 * The appraiser package's one error family. Errors are for broken inputs the
 * caller controls (an unreadable key file, a bad policy file, a bad option);
 * what the appraiser concludes about a file is a Verdict value, never an error.
 *
 * Codes (docs/appraisal.md lists them; bin/exit-codes.ts maps them to exit 2):
 *   IMAFS_KEY_LOAD      a key or certificate file/dir could not be read or parsed
 *   IMAFS_POLICY_FILE   a policy file could not be read or is malformed
 *   IMAFS_CONFIG        an option value is invalid (unknown algorithm, mode...)
 *   IMAFS_SIGN          signing failed (unsupported key, unreadable file)
 *   IMAFS_XATTR         reading or writing security.ima failed
 *   IMAFS_WORKER        an appraisal worker thread crashed or the pool was closed (io/appraisal-pool.ts)
 */
export type AppraiserErrorCode = 'IMAFS_KEY_LOAD' | 'IMAFS_POLICY_FILE' | 'IMAFS_CONFIG' | 'IMAFS_SIGN' | 'IMAFS_XATTR' | 'IMAFS_WORKER';

export class ImafsAppraiserError extends Error {
  readonly code: AppraiserErrorCode;
  /** The file involved, when there is one. */
  readonly file: string | undefined;
  constructor(code: AppraiserErrorCode, message: string, ctx: { file?: string; cause?: unknown } = {}) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = 'ImafsAppraiserError';
    this.code = code;
    this.file = ctx.file;
  }
}
