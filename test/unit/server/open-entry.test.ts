/**
 * OpenFiles.openEntrySync: READDIR opens entries listed as regular files
 * without an lstat first. Whatever the path holds by then, only a regular
 * file inside the export comes back; everything else is left to the lstat
 * path (undefined), and nothing blocks or follows a link.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExportFs } from '../../../server/fs/export-fs.js';
import { OpenFiles } from '../../../server/fs/open-files.js';
import { tmpDir } from '../../helpers/ima-keys.js';

test('openEntrySync: a regular file inside the export opens; links, FIFOs, directories and paths through an outside link do not', async (t) => {
  const d = tmpDir('imafs-open-entry-');
  t.after(() => d.cleanup());
  const exp = path.join(d.dir, 'export');
  const outside = path.join(d.dir, 'outside');
  mkdirSync(path.join(exp, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(exp, 'sub', 'file'), 'inside');
  writeFileSync(path.join(outside, 'secret'), 'outside');
  symlinkSync(path.join(outside, 'secret'), path.join(exp, 'link'));
  symlinkSync(outside, path.join(exp, 'dirlink'));
  execFileSync('mkfifo', [path.join(exp, 'fifo')]);
  const fs = await ExportFs.open(exp);
  const files = new OpenFiles(fs);

  const ok = files.openEntrySync(path.join(fs.root, 'sub', 'file'));
  assert.ok(ok);
  assert.equal(ok.st.size, 6n);
  closeSync(ok.fd);
  assert.equal(files.openEntrySync(path.join(fs.root, 'link')), undefined, 'a symlink is never followed');
  assert.equal(files.openEntrySync(path.join(fs.root, 'fifo')), undefined, 'a FIFO is not a regular file (and does not block)');
  assert.equal(files.openEntrySync(path.join(fs.root, 'sub')), undefined, 'a directory takes the lstat path');
  assert.equal(files.openEntrySync(path.join(fs.root, 'dirlink', 'secret')), undefined, 'a path through a link to outside is refused');
  assert.equal(files.openEntrySync(path.join(fs.root, 'missing')), undefined);
});
