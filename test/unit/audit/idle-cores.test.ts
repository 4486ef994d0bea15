/**
 * createIdleMeter against this machine's /proc/stat: while this thread
 * keeps one core busy, at most all the other cores can have been idle.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { createIdleMeter } from '../../../appraiser/audit/idle-cores.js';

test('idle cores while this thread spins: between 0 and all but one of the cores', () => {
  const cpus = availableParallelism();
  const idle = createIdleMeter(cpus);
  const until = performance.now() + 300;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const got = idle();
  assert.equal(typeof got, 'number', `x=${x}`);
  assert.ok(got! >= 0 && got! <= cpus - 0.5, `idle cores ${got} of ${cpus} while one is busy`);
});

