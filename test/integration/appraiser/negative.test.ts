/**
 * Negative cases with exact verdict codes, on values written by real evmctl.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evmHash, evmSign, makeCa, makeKey, removeIma, tmpDir, writeContent, writeIma, type TestKey, type TmpDir } from '../../helpers/ima-keys.js';
import { Keyring, Policy, appraiseFile, loadKeyring, type VerdictCode } from '../../../appraiser/index.js';

describe('negative appraisals', () => {
  let t: TmpDir;
  let ca: TestKey;
  let rsa: TestKey;
  let ec: TestKey;
  let other: TestKey;
  let ring: Keyring;
  const strict = new Policy({ mode: 'strict' });
  let n = 0;

  function file(size = 5000): string {
    const f = join(t.dir, `neg-${n++}`);
    writeContent(f, size, n);
    return f;
  }

  async function code(f: string, keyring = ring, policy = strict): Promise<VerdictCode> {
    const r = await appraiseFile(f, { keyring, policy });
    if (r.verdict.code !== 'ok') assert.equal(r.decision.allowed, false, 'strict denies every non-ok verdict');
    return r.verdict.code;
  }

  before(async () => {
    t = tmpDir();
    ca = makeCa(t.dir, 'neg-ca');
    rsa = makeKey(t.dir, 'rsa2048', { ca, name: 'neg-rsa' });
    ec = makeKey(t.dir, 'p256', { ca, name: 'neg-ec' });
    other = makeKey(t.dir, 'rsa2048', { ca, name: 'neg-other' });
    ring = await loadKeyring({ keys: [rsa.cert, ec.cert], ca: [ca.cert] });
  });
  after(() => t?.cleanup());

  it('sanity: an untouched signed file is ok', async () => {
    const f = file();
    evmSign(f, rsa, 'sha256');
    assert.equal(await code(f), 'ok');
  });

  it('content changed after signing: RSA digest-mismatch (authentic signature over another digest), ECDSA bad-signature', async () => {
    const f1 = file();
    evmSign(f1, rsa, 'sha256');
    appendFileSync(f1, 'x');
    assert.equal(await code(f1), 'digest-mismatch');
    const f2 = file();
    evmSign(f2, ec, 'sha256');
    appendFileSync(f2, 'x');
    assert.equal(await code(f2), 'bad-signature');
  });

  it('content changed under a digest value: digest-mismatch', async () => {
    const f = file();
    evmHash(f, 'sha256');
    writeFileSync(f, 'other content');
    assert.equal(await code(f), 'digest-mismatch');
  });

  it('flipped signature byte: bad-signature (RSA and ECDSA)', async () => {
    for (const key of [rsa, ec]) {
      const f = file();
      const blob = evmSign(f, key, 'sha256');
      blob[blob.length - 5] ^= 0x01;
      writeIma(f, blob);
      assert.equal(await code(f), 'bad-signature', key.kind);
    }
  });

  it('wrong key: signed by a key not in the keyring -> unknown-key', async () => {
    const f = file();
    evmSign(f, other, 'sha256');
    assert.equal(await code(f), 'unknown-key');
  });

  it('forged keyid: another trusted key\'s keyid -> bad-signature; an unknown keyid -> unknown-key', async () => {
    const f = file();
    evmSign(f, other, 'sha256', { keyid: rsa.skidKeyid! });
    assert.equal(await code(f), 'bad-signature');
    const g = file();
    const blob = evmSign(g, rsa, 'sha256');
    blob.writeUInt32BE(0x12345678, 3);
    writeIma(g, blob);
    assert.equal(await code(g), 'unknown-key');
  });

  it('truncated value, wrong sig_size, unknown type: unknown-format', async () => {
    const f = file();
    const blob = evmSign(f, rsa, 'sha256');
    writeIma(f, blob.subarray(0, blob.length - 1));
    assert.equal(await code(f), 'unknown-format');
    writeIma(f, blob.subarray(0, 6));
    assert.equal(await code(f), 'unknown-format');
    const wrongSize = Buffer.from(blob);
    wrongSize.writeUInt16BE(wrongSize.readUInt16BE(7) + 1, 7);
    writeIma(f, wrongSize);
    assert.equal(await code(f), 'unknown-format');
    const unknownType = Buffer.from(blob);
    unknownType[0] = 0x09;
    writeIma(f, unknownType);
    assert.equal(await code(f), 'unknown-format');
    const unknownVersion = Buffer.from(blob);
    unknownVersion[1] = 7;
    writeIma(f, unknownVersion);
    assert.equal(await code(f), 'unknown-format');
  });

  it('algorithm mismatch: header says sha512 for a sha256 signature -> bad-signature', async () => {
    for (const key of [rsa, ec]) {
      const f = file();
      const blob = evmSign(f, key, 'sha256');
      blob[2] = 6; // sha512
      writeIma(f, blob);
      assert.equal(await code(f), 'bad-signature', key.kind);
    }
    const g = file();
    const d = evmHash(g, 'sha256');
    d[1] = 20; // sha3-256, same size: the digest no longer matches
    writeIma(g, d);
    assert.equal(await code(g), 'digest-mismatch');
  });

  it('missing xattr: no-metadata', async () => {
    const f = file();
    removeIma(f);
    assert.equal(await code(f), 'no-metadata');
  });

  it('digest-only under require-signature: signature-required', async () => {
    const f = file();
    evmHash(f, 'sha256');
    assert.equal(await code(f, ring, new Policy({ requireSignature: true })), 'signature-required');
    assert.equal(await code(f, ring, new Policy({ requireSignature: false })), 'ok');
  });

  it('disallowed algorithm: sha1 under the default policy', async () => {
    const f = file();
    evmSign(f, rsa, 'sha1');
    assert.equal(await code(f), 'disallowed-algorithm');
    assert.equal(await code(f, ring, new Policy({ allowedAlgorithms: ['sha1', 'sha256'] })), 'ok');
  });

  it('leaf not chained to the configured CA: untrusted-key', async () => {
    const otherCa = makeCa(t.dir, 'neg-other-ca');
    const stranger = makeKey(t.dir, 'p256', { ca: otherCa, name: 'neg-stranger' });
    const selfSigned = makeKey(t.dir, 'rsa2048', { name: 'neg-self' });
    const keyring = await loadKeyring({ keys: [stranger.cert, selfSigned.cert, rsa.cert], ca: [ca.cert] });
    for (const key of [stranger, selfSigned]) {
      const f = file();
      evmSign(f, key, 'sha256');
      assert.equal(await code(f, keyring), 'untrusted-key', key.name);
      assert.equal(await code(f, await loadKeyring({ keys: [key.cert] })), 'ok', 'without --ca it is trusted directly');
    }
  });

  it('signing certificate without digitalSignature under a CA: untrusted-key', async () => {
    const noDs = makeKey(t.dir, 'p256', { ca, name: 'neg-nods', extensions: ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,keyEncipherment', 'subjectKeyIdentifier = hash'] });
    const f = file();
    evmSign(f, noDs, 'sha256');
    assert.equal(await code(f, await loadKeyring({ keys: [noDs.cert], ca: [ca.cert] })), 'untrusted-key');
  });

  it('expired or not-yet-valid certificate: expired-key', async () => {
    const expired = makeKey(t.dir, 'rsa2048', { ca, expired: true, name: 'neg-expired' });
    const future = makeKey(t.dir, 'p384', { ca, notYetValid: true, name: 'neg-future' });
    for (const key of [expired, future]) {
      const f = file();
      evmSign(f, key, 'sha256');
      assert.equal(await code(f, await loadKeyring({ keys: [key.cert], ca: [ca.cert] })), 'expired-key', key.name);
      assert.equal(await code(f, await loadKeyring({ keys: [key.cert] })), 'expired-key', `${key.name} without CA`);
    }
  });

  it('expired CA: expired-key', async () => {
    const oldCa = makeCa(t.dir, 'neg-old-ca', 'rsa2048', { expired: true });
    const leaf = makeKey(t.dir, 'p256', { ca: oldCa, name: 'neg-leaf-old-ca' });
    const f = file();
    evmSign(f, leaf, 'sha256');
    assert.equal(await code(f, await loadKeyring({ keys: [leaf.cert], ca: [oldCa.cert] })), 'expired-key');
  });

  it('empty keyring: unknown-key', async () => {
    const f = file();
    evmSign(f, rsa, 'sha256');
    assert.equal(await code(f, Keyring.empty()), 'unknown-key');
  });

  it('audit mode never denies but keeps the verdict; disabled ignores metadata', async () => {
    const f = file();
    evmSign(f, other, 'sha256');
    const a = await appraiseFile(f, { keyring: ring, policy: new Policy({ mode: 'audit' }) });
    assert.deepEqual([a.verdict.code, a.decision.allowed, a.decision.appraised], ['unknown-key', true, true]);
    const d = await appraiseFile(f, { keyring: ring, policy: new Policy({ mode: 'disabled' }) });
    assert.deepEqual([d.decision.allowed, d.decision.appraised], [true, false]);
  });
});
