/**
 * Every value real evmctl writes verifies: RSA-2048, RSA-4096, ECDSA P-256 and
 * P-384 x sha1/sha256/sha384/sha512 x 0, 1, 4095, 4096, 4097 bytes and 3 MiB,
 * plus evmctl ima_hash digests. Keys and certificates come from openssl, with
 * the signing certificates issued by a test CA that the keyring requires.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KEY_KINDS, evmHash, evmSign, getfattrIma, makeCa, makeKey, tmpDir, writeContent, type EvmHashAlgo, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { Keyring, Policy, appraiseFile, loadKeyring, readImaXattr } from '../../../appraiser/index.js';

const ALGOS: EvmHashAlgo[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const SIZES = [0, 1, 4095, 4096, 4097, 3 * 1024 * 1024 + 7];
const ALL_ALGOS = new Policy({ allowedAlgorithms: ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'] });

describe('evmctl ima_sign / ima_hash values verify', () => {
  let t: TmpDir;
  let keys: TestKey[];
  let keyring: Keyring;
  const files = new Map<number, string>();

  before(async () => {
    t = tmpDir();
    const ca = makeCa(t.dir, 'matrix-ca');
    keys = KEY_KINDS.map((kind) => makeKey(t.dir, kind, { ca, name: `matrix-${kind}` }));
    keyring = await loadKeyring({ keys: keys.map((k) => k.cert), ca: [ca.cert] });
    for (const size of SIZES) {
      const f = join(t.dir, `content-${size}`);
      writeContent(f, size, size + 3);
      files.set(size, f);
    }
  });
  after(() => t?.cleanup());

  for (const kind of KEY_KINDS) {
    for (const algo of ALGOS) {
      it(`${kind} ${algo} on ${SIZES.join('/')} bytes`, async () => {
        const key = keys.find((k) => k.kind === kind)!;
        for (const size of SIZES) {
          const f = files.get(size)!;
          const blob = evmSign(f, key, algo);
          assert.ok(getfattrIma(f)!.equals(blob), 'getfattr and @napi-rs/xattr read the same value');
          assert.ok((await readImaXattr(f))!.equals(blob));
          const r = await appraiseFile(f, { keyring, policy: ALL_ALGOS });
          assert.equal(r.verdict.code, 'ok', `${kind} ${algo} ${size}: ${r.verdict.reason}`);
          assert.equal(r.decision.allowed, true);
          assert.equal(r.verdict.algo, algo);
          assert.equal(r.verdict.keyid, key.skidKeyid);
        }
      });
    }
  }

  for (const algo of ALGOS) {
    it(`evmctl ima_hash ${algo} digests verify`, async () => {
      for (const size of SIZES) {
        const f = files.get(size)!;
        const blob = evmHash(f, algo);
        assert.equal(blob[0], algo === 'sha1' ? 0x01 : 0x04);
        const r = await appraiseFile(f, { keyring, policy: ALL_ALGOS });
        assert.equal(r.verdict.code, 'ok', `${algo} ${size}: ${r.verdict.reason}`);
        assert.equal(r.verdict.kind, 'digest');
      }
    });
  }

  it('keyids: evmctl without a cert uses SHA-1 of the public key; with --keyid-from-cert the SKID; both are found', async () => {
    const f = files.get(4096)!;
    for (const key of keys) {
      evmSign(f, key, 'sha256', { keyidFromCert: key.cert });
      assert.equal((await appraiseFile(f, { keyring, policy: ALL_ALGOS })).verdict.code, 'ok');
    }
  });
});
