import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startGanesha, type Ganesha } from '../../helpers/ganesha.js';
import { NfsClient } from '../../../client/nfs-client.js';
import { NfsError } from '../../../client/errors.js';
import { runCli } from './cli.js';

let g: Ganesha;
test.before(async () => {
  g = await startGanesha();
  writeFileSync(`${g.exportDir}/f`, 'data');
});
test.after(async () => { await g?.stop(); });

test('ganesha is a legacy server: imaSupported false, getIma null, setIma/verifyIma refused without a round trip', async () => {
  const c = await NfsClient.connect(g.url());
  try {
    assert.equal(c.imaSupported, false);
    assert.equal(await c.getIma('f'), null);
    await assert.rejects(c.setIma('f', Buffer.from([3, 2])), (e: unknown) => e instanceof NfsError && e.statusName === 'NFS4ERR_ATTRNOTSUPP' && e.op === 'SETATTR');
    await assert.rejects(c.verifyIma('f', Buffer.from([3, 2])), (e: unknown) => e instanceof NfsError && e.op === 'VERIFY');
  } finally {
    await c.close();
  }
});

test('another --ima-attr number is equally unsupported; stat --json reports imaSupported false and ima null', async () => {
  const c = await NfsClient.connect(g.url(), { imaAttr: 94 });
  try {
    assert.equal(c.imaAttr, 94);
    assert.equal(c.imaSupported, false);
  } finally {
    await c.close();
  }
  const r = await runCli(['stat', '--json', '--ima-attr', '94', g.url('/f')]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.toString());
  assert.equal(j.imaSupported, false);
  assert.equal(j.ima, null);
  assert.equal(j.type, 'file');
  assert.equal(j.size, 4);
  assert.equal(typeof j.mode, 'number');
  assert.equal(j.mode, 0o644);
  assert.ok(typeof j.fileid === 'number' && j.fileid > 0);
  assert.match(j.change, /^\d+$/);
});

test('an --ima-attr that is a standard attribute is a usage error (exit 2)', async () => {
  const r = await runCli(['stat', '--ima-attr', '4', g.url('/f')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /standard NFSv4 attribute/);
});
