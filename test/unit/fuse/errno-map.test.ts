import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { errnoFor, FsErrno } from '../../../appraiser/fuse/errno-map.js';
import { NfsError } from '../../../client/errors.js';
import { MountError } from '../../../appraiser/fuse/mount-error.js';

const E = constants.errno;

test('NFS4ERR_INTEGRITY and NFS4ERR_ACCESS are both EACCES but keep distinct log codes', () => {
  assert.deepEqual(errnoFor(new NfsError(10097, 'NFS4ERR_INTEGRITY', 'READ', 'a'), 10097), { errno: E.EACCES, code: 'nfs-integrity', reason: 'server refused the content (NFS4ERR_INTEGRITY)' });
  assert.deepEqual(errnoFor(new NfsError(13, 'NFS4ERR_ACCESS', 'OPEN', 'a'), 10097), { errno: E.EACCES, code: 'nfs-access', reason: 'server denied access (NFS4ERR_ACCESS)' });
  // A configured integrity number is honoured.
  assert.equal(errnoFor(new NfsError(10200, 'NFS4ERR_UNKNOWN_10200', 'READ'), 10200).code, 'nfs-integrity');
});

test('other statuses go through the client table; mount failures have their own errno', () => {
  assert.equal(errnoFor(new NfsError(2, 'NFS4ERR_NOENT', 'LOOKUP'), 10097).errno, E.ENOENT);
  assert.equal(errnoFor(new NfsError(70, 'NFS4ERR_STALE', 'GETATTR'), 10097).errno, E.ESTALE);
  assert.equal(errnoFor(new NfsError(10008, 'NFS4ERR_DELAY', 'READ'), 10097).errno, E.EAGAIN);
  assert.equal(errnoFor(new MountError('IMAFS_CACHE_FULL', 'x'), 10097).errno, E.EFBIG);
  assert.equal(errnoFor(new MountError('IMAFS_CONTENT_CHANGING', 'x'), 10097).errno, E.EIO);
  assert.equal(errnoFor(new FsErrno('EROFS'), 10097).errno, E.EROFS);
  assert.equal(errnoFor(new Error('surprise'), 10097).errno, E.EIO);
});
