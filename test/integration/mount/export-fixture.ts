/**
 * A test export signed with real evmctl: a copy of a system binary, a shell
 * script, a file tampered after signing, an unsigned file, a symlink, a
 * directory of many entries and a multi-MiB file.
 */
import { appendFileSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { evmSign, makeKey, tmpDir, writeContent, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';

export interface SignedExport {
  tmp: TmpDir;
  dir: string;
  key: TestKey;
}

export const SCRIPT = '#!/bin/sh\necho "script-ok $*"\n';

export function makeSignedExport(): SignedExport {
  const tmp = tmpDir('imafs-mount-export-');
  const dir = join(tmp.dir, 'export');
  const keys = join(tmp.dir, 'keys');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'many'));
  mkdirSync(keys);
  const key = makeKey(keys, 'rsa2048', { name: 'publisher' });
  copyFileSync('/bin/echo', join(dir, 'bin/echo'));
  chmodSync(join(dir, 'bin/echo'), 0o755);
  evmSign(join(dir, 'bin/echo'), key, 'sha256');
  writeFileSync(join(dir, 'bin/hello.sh'), SCRIPT, { mode: 0o755 });
  evmSign(join(dir, 'bin/hello.sh'), key, 'sha256');
  copyFileSync('/bin/true', join(dir, 'bin/tampered'));
  chmodSync(join(dir, 'bin/tampered'), 0o755);
  evmSign(join(dir, 'bin/tampered'), key, 'sha256');
  appendFileSync(join(dir, 'bin/tampered'), Buffer.from([0]));
  writeFileSync(join(dir, 'plain.txt'), 'not signed\n');
  writeContent(join(dir, 'big.bin'), 8 * 1024 * 1024 + 123, 42);
  evmSign(join(dir, 'big.bin'), key, 'sha512');
  symlinkSync('bin/hello.sh', join(dir, 'link-to-script'));
  for (let i = 0; i < 300; i++) writeFileSync(join(dir, 'many', `f${String(i).padStart(3, '0')}`), `${i}\n`);
  return { tmp, dir, key };
}
