import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import {
  DEFAULT_INTEGRITY_STATUS, errnoForStatus, isStandardStatus, NFS4ERR, NFS4_OK, statusName, validateIntegrityStatus,
} from '../../../client/nfs4/status.js';

const E = constants.errno;

test('status names follow RFC 8881 §15.1 numbering', () => {
  assert.equal(statusName(0), 'NFS4_OK');
  assert.equal(statusName(2), 'NFS4ERR_NOENT');
  assert.equal(statusName(13), 'NFS4ERR_ACCESS');
  assert.equal(statusName(10008), 'NFS4ERR_DELAY');
  assert.equal(statusName(10044), 'NFS4ERR_OP_ILLEGAL');
  assert.equal(statusName(10052), 'NFS4ERR_BADSESSION');
  assert.equal(statusName(10063), 'NFS4ERR_SEQ_MISORDERED');
  assert.equal(statusName(10078), 'NFS4ERR_DEADSESSION');
  assert.equal(statusName(10087), 'NFS4ERR_DELEG_REVOKED');
  assert.equal(statusName(10093), 'NFS4ERR_BADLABEL'); // RFC 7862
  assert.equal(statusName(10095), 'NFS4ERR_NOXATTR'); // RFC 8276
  assert.equal(statusName(10073), 'NFS4ERR_UNKNOWN_10073'); // unassigned gap
});

test('NFS4ERR_INTEGRITY is 10097 by default and follows the configured number', () => {
  assert.equal(DEFAULT_INTEGRITY_STATUS, 10097);
  assert.equal(statusName(10097), 'NFS4ERR_INTEGRITY');
  assert.equal(statusName(10200, 10200), 'NFS4ERR_INTEGRITY');
  assert.equal(statusName(10097, 10200), 'NFS4ERR_UNKNOWN_10097');
  assert.equal(isStandardStatus(10097), false);
  assert.equal(validateIntegrityStatus(10097), undefined);
  assert.match(validateIntegrityStatus(10008) ?? '', /already NFS4ERR_DELAY/);
  assert.match(validateIntegrityStatus(0) ?? '', /not a positive/);
});

test('errnoForStatus: the one NFS status to errno table', () => {
  const cases: [number, number][] = [
    [NFS4_OK, 0],
    [NFS4ERR.NOENT, E.ENOENT],
    [NFS4ERR.ACCESS, E.EACCES],
    [NFS4ERR.PERM, E.EPERM],
    [NFS4ERR.ROFS, E.EROFS],
    [NFS4ERR.NOTDIR, E.ENOTDIR],
    [NFS4ERR.ISDIR, E.EISDIR],
    [NFS4ERR.NAMETOOLONG, E.ENAMETOOLONG],
    [NFS4ERR.NOTEMPTY, E.ENOTEMPTY],
    [NFS4ERR.STALE, E.ESTALE],
    [NFS4ERR.FHEXPIRED, E.ESTALE],
    [NFS4ERR.DELAY, E.EAGAIN],
    [NFS4ERR.IO, E.EIO],
    [NFS4ERR.INVAL, E.EINVAL],
    [NFS4ERR.EXIST, E.EEXIST],
    [NFS4ERR.NOTSUPP, E.EOPNOTSUPP],
    [NFS4ERR.SERVERFAULT, E.EIO],
    [NFS4ERR.BADSESSION, E.EIO],
    [10097, E.EACCES],
    [99999, E.EIO],
  ];
  for (const [s, e] of cases) assert.equal(errnoForStatus(s), e, statusName(s));
  assert.equal(errnoForStatus(10097, 10200), E.EIO);
  assert.equal(errnoForStatus(10200, 10200), E.EACCES);
});
