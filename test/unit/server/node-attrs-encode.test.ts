/**
 * encodeNodeFattr computes only the attributes asked for; its bytes must be
 * those of the generic encoder over every attribute (encodeFattr(nodeFattr)),
 * for files, directories and symlinks, every minor version, with and without
 * statfs / FATTR4_IMA / rdattr_error, and masks in any order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FATTR4 } from '../../../client/nfs4/constants.js';
import { encodeFattr, knownAttrs, makeAttrConfig } from '../../../client/nfs4/fattr.js';
import { encodeNodeFattr, nodeFattr } from '../../../server/attrs/node-attrs.js';
import { ExportFs } from '../../../server/fs/export-fs.js';
import { tmpDir } from '../../helpers/ima-keys.js';

test('encodeNodeFattr == encodeFattr(nodeFattr(...)) for any mask', async (t) => {
  const d = tmpDir('imafs-node-attrs-');
  t.after(() => d.cleanup());
  writeFileSync(path.join(d.dir, 'f'), 'hello');
  mkdirSync(path.join(d.dir, 'sub'));
  symlinkSync('f', path.join(d.dir, 'l'));
  const exp = await ExportFs.open(d.dir);
  const statfs = await exp.statfs();
  let compared = 0;
  for (const imaAttr of [93, 100]) {
    const cfg = makeAttrConfig(imaAttr);
    const settings = { imaAttr, leaseSeconds: 90, persistentHandles: imaAttr === 100 };
    const all = knownAttrs(cfg);
    const masks = [all, [FATTR4.TYPE, FATTR4.CHANGE, FATTR4.SIZE, FATTR4.FILEHANDLE, FATTR4.FILEID, FATTR4.MODE, imaAttr], [FATTR4.SUPPORTED_ATTRS], [FATTR4.RDATTR_ERROR, FATTR4.FILEHANDLE], all.filter((_, i) => i % 3 === 0), [FATTR4.SIZE, FATTR4.TYPE, FATTR4.TYPE, FATTR4.SUPPORTED_ATTRS], [], [1000]];
    for (const name of ['', 'f', 'sub', 'l']) {
      const node = name === '' ? await exp.rootNode() : await exp.lookup(await exp.rootNode(), name);
      for (const minor of [0, 1, 2]) {
        for (const sf of [undefined, statfs]) {
          for (const ima of [undefined, Buffer.from('abc')]) {
            for (const want of masks) {
              const i = { node, minor, settings, statfs: sf, ima, rdattrError: sf ? 5 : undefined, want };
              const fast = encodeNodeFattr(i, cfg, want);
              const generic = encodeFattr(nodeFattr(i), cfg, want);
              assert.deepEqual(fast.attrmask, generic.attrmask, `${name} minor ${minor} mask ${want}`);
              assert.deepEqual(fast.attrVals, generic.attrVals, `${name} minor ${minor} mask ${want}`);
              compared++;
            }
          }
        }
      }
    }
  }
  assert.equal(compared, 2 * 4 * 3 * 2 * 2 * 8);
});
