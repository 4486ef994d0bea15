/**
 * Type 0x06 (IMA_VERITY_DIGSIG) values: the fs-verity file digest computed
 * while streaming must equal what `fsverity digest` (fsverity-utils) prints,
 * and fs-verity signatures made by imafs verify (and fail when the content
 * changes).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeKey, tmpDir, writeContent, writeIma, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import {
  Policy, appraise, appraiseFile, createBlobMeasurer, createVerityMeasurer, encodeSignatureBlob, hashAlgoByName, loadKeyring,
  loadSigningKey, measurementAlgo, signFile, type Keyring,
} from '../../../appraiser/index.js';

const hasFsverity = spawnSync('fsverity', ['--version']).status === 0;

describe('fs-verity signatures (type 0x06)', () => {
  let t: TmpDir;
  let key: TestKey;
  let keyring: Keyring;
  before(async () => {
    t = tmpDir();
    key = makeKey(t.dir, 'p256', { name: 'verity' });
    keyring = await loadKeyring({ keys: [key.cert] });
  });
  after(() => t?.cleanup());

  it('streaming fs-verity digest equals `fsverity digest` for sha256/sha512 and multi-level trees', { skip: hasFsverity ? false : 'fsverity (fsverity-utils) is not installed' }, () => {
    for (const algo of ['sha256', 'sha512']) {
      for (const size of [0, 1, 4095, 4096, 4097, 64 * 4096 + 1, 128 * 4096, 128 * 4096 + 1, 2 * 1024 * 1024 + 3]) {
        const f = join(t.dir, `vd-${algo}-${size}`);
        writeContent(f, size, size + 11);
        const r = spawnSync('fsverity', ['digest', `--hash-alg=${algo}`, f], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const want = r.stdout.split(' ')[0];
        const data = readFileSync(f);
        const m = createVerityMeasurer(hashAlgoByName(algo)!);
        for (let off = 0; off < data.length; off += 7777) m.update(data.subarray(off, off + 7777));
        assert.equal(`${algo}:${m.digest().toString('hex')}`, want, `${algo} ${size}`);
      }
    }
  });

  it('imafs sign --verity values verify; changed content fails', async () => {
    const sk = await loadSigningKey(key.key, { certFile: key.cert });
    for (const algo of ['sha256', 'sha512']) {
      const f = join(t.dir, `vs-${algo}`);
      writeContent(f, 300_000, 3);
      const blob = await signFile(f, sk, { algo, verity: true });
      assert.deepEqual([blob[0], blob[1]], [0x06, 3]);
      assert.equal(measurementAlgo(blob), null, 'a plain hash is not what 0x06 needs');
      assert.equal(createBlobMeasurer(blob)?.algo.name, algo);
      const ok = await appraiseFile(f, { keyring, policy: new Policy() });
      assert.equal(ok.verdict.code, 'ok', ok.verdict.reason);
      appendFileSync(f, 'x');
      assert.equal((await appraiseFile(f, { keyring, policy: new Policy() })).verdict.code, 'bad-signature');
    }
  });

  it('without an fs-verity digest, or with an algorithm fs-verity lacks: unsupported-format', () => {
    const blob = encodeSignatureBlob({ type: 0x06, version: 3, algo: hashAlgoByName('sha256')!, keyid: 1, signature: Buffer.from([1, 2, 3]) });
    assert.equal(appraise({ blob, digest: null, keyring }).code, 'unsupported-format');
    const sha384 = encodeSignatureBlob({ type: 0x06, version: 3, algo: hashAlgoByName('sha384')!, keyid: 1, signature: Buffer.from([1]) });
    assert.equal(appraise({ blob: sha384, digest: Buffer.alloc(48), keyring }).code, 'unsupported-format');
    assert.equal(createBlobMeasurer(sha384), null);
  });

  it('a 0x06 value whose signature was made for the plain digest does not verify', async () => {
    const sk = await loadSigningKey(key.key, { certFile: key.cert });
    const f = join(t.dir, 'mixed');
    writeContent(f, 5000);
    const v3 = await signFile(f, sk, { version: 3, write: false });
    const forged = Buffer.from(v3);
    forged[0] = 0x06; // same signature, other type: ima_file_id differs
    writeIma(f, forged);
    assert.equal((await appraiseFile(f, { keyring, policy: new Policy() })).verdict.code, 'bad-signature');
  });
});
