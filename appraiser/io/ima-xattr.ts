/**
 * security.ima on local files through @napi-rs/xattr: maintained, prebuilt
 * N-API binaries (no install script, no node-gyp), sync and async calls, and
 * it returns null for a missing attribute instead of throwing.
 */
import { createRequire } from 'node:module';
import type * as Xattr from '@napi-rs/xattr';
import { ImafsAppraiserError } from '../errors.js';

// require(), not an ES import: Node 20's ESM loader lexes a CommonJS package's whole index (23 KB) on every start.
const { getAttribute, getAttributeSync, setAttribute, removeAttribute } = createRequire(import.meta.url)('@napi-rs/xattr') as typeof Xattr;

export const IMA_XATTR_NAME = 'security.ima';

function isNoData(e: unknown): boolean {
  const s = `${(e as { code?: string }).code ?? ''} ${(e as Error)?.message ?? ''}`;
  return /ENODATA|No data available|ENOATTR/.test(s);
}

/** The raw value, or null when the file has none (or the filesystem has no xattrs). */
export async function readImaXattr(path: string, name = IMA_XATTR_NAME): Promise<Buffer | null> {
  try {
    return await getAttribute(path, name);
  } catch (e) {
    if (isNoData(e) || /ENOTSUP|Operation not supported/.test(String(e))) return null;
    throw new ImafsAppraiserError('IMAFS_XATTR', `${path}: cannot read ${name}: ${(e as Error).message}`, { file: path, cause: e });
  }
}

export function readImaXattrSync(path: string, name = IMA_XATTR_NAME): Buffer | null {
  try {
    return getAttributeSync(path, name);
  } catch (e) {
    if (isNoData(e) || /ENOTSUP|Operation not supported/.test(String(e))) return null;
    throw new ImafsAppraiserError('IMAFS_XATTR', `${path}: cannot read ${name}: ${(e as Error).message}`, { file: path, cause: e });
  }
}

export async function writeImaXattr(path: string, value: Buffer, name = IMA_XATTR_NAME): Promise<void> {
  try {
    await setAttribute(path, name, value);
  } catch (e) {
    throw new ImafsAppraiserError('IMAFS_XATTR', `${path}: cannot write ${name}: ${(e as Error).message}`, { file: path, cause: e });
  }
}

export async function removeImaXattr(path: string, name = IMA_XATTR_NAME): Promise<void> {
  try {
    await removeAttribute(path, name);
  } catch (e) {
    if (isNoData(e)) return;
    throw new ImafsAppraiserError('IMAFS_XATTR', `${path}: cannot remove ${name}: ${(e as Error).message}`, { file: path, cause: e });
  }
}
