import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgress, wantProgress } from '../../../bin/audit/audit-progress.js';

test('a progress bar only when stdout and stderr are both terminals and not --quiet', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: undefined };
  assert.equal(wantProgress(false, tty, tty), true);
  assert.equal(wantProgress(true, tty, tty), false);
  assert.equal(wantProgress(false, pipe, tty), false);
  assert.equal(wantProgress(false, tty, pipe), false);
  assert.equal(wantProgress(false, pipe, pipe), false);
});

test('the disabled sink writes nothing', () => {
  const written: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => { written.push(s); return true; };
  try {
    const p = createProgress(false);
    p.update({ found: 10, walkDone: true, done: 5, bytes: 100 });
    p.stop();
  } finally {
    (process.stderr as unknown as { write: typeof orig }).write = orig;
  }
  assert.deepEqual(written, []);
});
