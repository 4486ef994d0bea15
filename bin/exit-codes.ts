/**
 * The one table from error to CLI exit code (docs/cli.md lists it).
 * 0 success, 1 the operation failed or something was denied, 2 usage or
 * configuration error, 3 the source could not be reached.
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, UNREACHABLE: 3 } as const;

const BY_CODE: Record<string, number> = {
  IMAFS_USAGE: EXIT.USAGE,
  IMAFS_CONFIG: EXIT.USAGE,
  IMAFS_KEY_LOAD: EXIT.USAGE,
  IMAFS_POLICY_FILE: EXIT.USAGE,
  IMAFS_SERVER_CONFIG: EXIT.USAGE,
  IMAFS_SERVER_EXPORT: EXIT.USAGE,
  IMAFS_SERVER_KEYS: EXIT.USAGE,
  IMAFS_RPC_CONNECT: EXIT.UNREACHABLE,
  IMAFS_RPC_TIMEOUT: EXIT.UNREACHABLE,
  IMAFS_SOURCE_UNREACHABLE: EXIT.UNREACHABLE,
};

export function exitCodeFor(err: unknown): number {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code in BY_CODE) return BY_CODE[code];
  return EXIT.FAILED;
}
