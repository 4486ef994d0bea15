/**
 * Not a test: a worker module for verify-pool.test.ts. It loads the real
 * appraisal worker (so it starts and says `ready` like one), then the thread
 * exits with code 7 as soon as its first batch arrives: a worker that dies
 * while holding work, as the pool sees it.
 */
import { parentPort } from 'node:worker_threads';

parentPort!.once('message', () => process.exit(7));
await import('../../../appraiser/io/appraisal-worker.js');
