import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServedVersions } from '../../../appraiser/fuse/served-versions.js';
import type { RemoteStat } from '../../../appraiser/fuse/remote-tree.js';

const st = (change: bigint, mtimeMs: number, size = 100): RemoteStat => ({
  type: 'file', size, mode: 0o644, fileid: 7n, change, atime: new Date(0), mtime: new Date(mtimeMs), ctime: new Date(0),
});

test('served versions: unchanged content keeps its mtime (kernel keeps pages); new content always looks changed', () => {
  const s = new ServedVersions();
  assert.equal(s.noteOpen(st(1n, 5000), 'A'), 5000);
  assert.equal(s.mtimeMsFor(st(1n, 5000)), 5000);
  assert.equal(s.noteOpen(st(1n, 5000), 'A'), 5000);
  // New content, same server mtime and size: reported 1 ms later so libfuse's auto_cache drops the old pages.
  assert.equal(s.noteOpen(st(2n, 5000), 'B'), 5001);
  assert.equal(s.mtimeMsFor(st(2n, 5000)), 5001);
  assert.equal(s.current(7n), 'B');
  // Another version with the same server mtime: 5000 differs from the 5001 libfuse saw last, so no bump is needed.
  assert.equal(s.noteOpen(st(3n, 5000), 'C'), 5000);
  assert.equal(s.noteOpen(st(6n, 5000), 'C2'), 5001);
  // A version with its own mtime is reported as is.
  assert.equal(s.noteOpen(st(4n, 9000), 'D'), 9000);
  // getattr of a version nobody opened yet reports the server's mtime.
  assert.equal(s.mtimeMsFor(st(5n, 9000)), 9000);
});
