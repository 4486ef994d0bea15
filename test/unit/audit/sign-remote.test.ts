import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainSignError, isRemoteTarget } from '../../../bin/commands/sign-remote.js';
import { NfsError } from '../../../client/errors.js';

test('isRemoteTarget: nfs:// URLs and host:/path are remote, local paths are not', () => {
  for (const t of ['nfs://127.0.0.1:2049/a', 'NFS://h/x', '127.0.0.1:/export/f', '[::1]:/x', 'fileserver:/'])
    assert.equal(isRemoteTarget(t), true, t);
  for (const t of ['/tmp/f', 'relative/file', './a:b', 'file.txt', 'C:file', 'a:b/c'])
    assert.equal(isRemoteTarget(t), false, t);
});

test('explainSignError: one actionable sentence per NFS status, status name kept', () => {
  const access = new NfsError(13, 'NFS4ERR_ACCESS', 'SETATTR', '/f');
  assert.equal(explainSignError('nfs://h/f', access, false),
    'nfs://h/f: the server refused to store IMA metadata on this file (NFS4ERR_ACCESS): its update policy (imafs serve --ima-updates) does not allow this client or user');
  assert.match(explainSignError('nfs://h/f', access, true), /refused to remove the IMA metadata of this file \(NFS4ERR_ACCESS\)/);
  assert.equal(explainSignError('u', new NfsError(10032, 'NFS4ERR_ATTRNOTSUPP', 'SETATTR', '/f'), false),
    'u: the server does not support setting FATTR4_IMA (NFS4ERR_ATTRNOTSUPP); it cannot store IMA metadata');
  assert.match(explainSignError('u', new NfsError(30, 'NFS4ERR_ROFS', 'SETATTR'), false), /read-only \(NFS4ERR_ROFS\)/);
  assert.match(explainSignError('u', new NfsError(22, 'NFS4ERR_INVAL', 'SETATTR'), false), /at most 4096 bytes/);
  assert.equal(explainSignError('u', new NfsError(2, 'NFS4ERR_NOENT', 'LOOKUP', '/x'), false), 'u: LOOKUP /x failed: NFS4ERR_NOENT');
});
