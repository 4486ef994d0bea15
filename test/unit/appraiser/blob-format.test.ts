import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseImaBlob, encodeDigestBlob, encodeSignatureBlob, hashAlgoByName, hashAlgoById, allHashAlgos, keyidHex,
} from '../../../appraiser/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const sha256 = hashAlgoByName('sha256')!;

describe('hash_info numbering (include/uapi/linux/hash_info.h)', () => {
  it('matches the kernel enum', () => {
    const want: Record<string, number> = { md4: 0, md5: 1, sha1: 2, rmd160: 3, sha256: 4, sha384: 5, sha512: 6, sha224: 7, sm3: 17, streebog256: 18, streebog512: 19, 'sha3-256': 20, 'sha3-384': 21, 'sha3-512': 22 };
    for (const [name, id] of Object.entries(want)) {
      assert.equal(hashAlgoByName(name)?.id, id, name);
      assert.equal(hashAlgoById(id)?.name, name);
    }
    assert.deepEqual(allHashAlgos().map((a) => a.id), Array.from({ length: 23 }, (_, i) => i));
    assert.equal(hashAlgoByName('SHA256')?.id, 4);
    assert.equal(hashAlgoById(23), undefined);
  });
  it('digest sizes', () => {
    assert.deepEqual(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'].map((n) => hashAlgoByName(n)!.size), [16, 20, 28, 32, 48, 64]);
  });
});

describe('parseImaBlob: valid values', () => {
  it('0x01 legacy SHA-1 digest (21 bytes)', () => {
    const b = hex('01 11f6ad8ec52a2984abaafd7c3b516503785c2072');
    const p = parseImaBlob(b);
    assert.ok(!('error' in p) && p.kind === 'digest');
    assert.equal(p.type, 1);
    assert.equal(p.algo.name, 'sha1');
    assert.equal(p.digest.toString('hex'), '11f6ad8ec52a2984abaafd7c3b516503785c2072');
  });
  it('0x01 with 16 bytes or a zero-padded 20 is legacy MD5 (ima_get_hash_algo)', () => {
    const p17 = parseImaBlob(Buffer.concat([hex('01'), Buffer.alloc(16, 7)]));
    assert.ok(!('error' in p17) && p17.kind === 'digest' && p17.algo.name === 'md5');
    const p21 = parseImaBlob(Buffer.concat([hex('01'), Buffer.alloc(16, 7), Buffer.alloc(4)]));
    assert.ok(!('error' in p21) && p21.kind === 'digest' && p21.algo.name === 'md5' && p21.digest.length === 16);
  });
  it('0x04 digest-ng sha384 (as evmctl ima_hash -a sha384 writes)', () => {
    const b = hex('0405 1d0f284efe3edea4b9ca3bd514fa134b17eae361ccc7a1eefeff801b9bd6604e01f21f6bf249ef030599f0c218f2ba8c');
    const p = parseImaBlob(b);
    assert.ok(!('error' in p) && p.kind === 'digest');
    assert.equal(p.type, 4);
    assert.equal(p.algo.name, 'sha384');
    assert.equal(p.digest.length, 48);
  });
  it('0x03 v2 signature header: type|version|algo|keyid BE|sig_size BE|sig', () => {
    const sig = Buffer.alloc(0x100, 0xab);
    const b = Buffer.concat([hex('03 02 04 3b3cf107 0100'), sig]);
    const p = parseImaBlob(b);
    assert.ok(!('error' in p) && p.kind === 'signature');
    assert.equal(p.version, 2);
    assert.equal(p.algo.name, 'sha256');
    assert.equal(p.keyid, 0x3b3cf107);
    assert.equal(keyidHex(p.keyid), '3b3cf107');
    assert.equal(p.signature.length, 256);
    assert.ok(p.signature.equals(sig));
  });
  it('0x03 v3 and 0x06 v3 parse', () => {
    const p3 = parseImaBlob(Buffer.concat([hex('03 03 06 00000001 0002'), hex('3000')]));
    assert.ok(!('error' in p3) && p3.kind === 'signature' && p3.version === 3 && p3.algo.name === 'sha512');
    const p6 = parseImaBlob(Buffer.concat([hex('06 03 04 00000001 0001'), hex('aa')]));
    assert.ok(!('error' in p6) && p6.kind === 'signature' && p6.type === 6);
  });
  it('0x03 v1 is recognised but unsupported', () => {
    const p = parseImaBlob(hex('03 01 00 00000000 00 00 00 00 00 00 00 00 00'));
    assert.ok(!('error' in p) && p.kind === 'unsupported');
  });
  it('accepts a 4096-byte value', () => {
    const b = encodeSignatureBlob({ algo: sha256, keyid: 1, signature: Buffer.alloc(4096 - 9, 1) });
    assert.equal(b.length, 4096);
    assert.ok(!('error' in parseImaBlob(b)));
  });
});

describe('parseImaBlob: malformed values are { error }, never exceptions', () => {
  const cases: Array<[string, Buffer | null, RegExp]> = [
    ['null', null, /empty/],
    ['empty', Buffer.alloc(0), /empty/],
    ['oversized', Buffer.concat([hex('04 04'), Buffer.alloc(4095)]), /4096-byte limit/],
    ['unknown type 0x00', hex('00 01 02'), /unknown IMA value type 0x00/],
    ['unknown type 0x07', hex('07 01 02'), /unknown IMA value type 0x07/],
    ['unknown type 0xff', hex('ff'), /unknown IMA value type 0xff/],
    ['EVM HMAC type', hex('02 00'), /EVM value/],
    ['EVM portable sig type', hex('05 02'), /EVM value/],
    ['legacy digest wrong length', hex('01 0102'), /expected 21/],
    ['digest-ng without algo', hex('04'), /no algorithm byte/],
    ['digest-ng unknown algo', Buffer.concat([hex('04 63'), Buffer.alloc(32)]), /unknown hash algorithm 99/],
    ['digest-ng truncated', Buffer.concat([hex('04 04'), Buffer.alloc(31)]), /expected 34/],
    ['digest-ng too long', Buffer.concat([hex('04 04'), Buffer.alloc(33)]), /expected 34/],
    ['signature without version', hex('03'), /truncated/],
    ['signature unknown version 0', hex('03 00 04 00000000 0001 aa'), /unknown version 0/],
    ['signature unknown version 4', hex('03 04 04 00000000 0001 aa'), /unknown version 4/],
    ['verity signature version 2', hex('06 02 04 00000000 0001 aa'), /unknown version 2/],
    ['header truncated', hex('03 02 04 0000'), /9-byte header/],
    ['signature unknown algo', hex('03 02 2a 00000000 0001 aa'), /unknown hash algorithm 42/],
    ['sig_size 0', hex('03 02 04 00000000 0000'), /sig_size 0/],
    ['sig_size larger than value', hex('03 02 04 00000000 0003 aaaa'), /sig_size 3 does not match/],
    ['sig_size smaller than value', hex('03 02 04 00000000 0001 aaaa'), /sig_size 1 does not match/],
  ];
  for (const [name, buf, re] of cases) {
    it(name, () => {
      const p = parseImaBlob(buf);
      assert.ok('error' in p, `expected an error for ${name}`);
      assert.match(p.error, re);
    });
  }
});

describe('encoders', () => {
  it('digest-ng and legacy sha1', () => {
    const d = Buffer.alloc(32, 0x11);
    assert.equal(encodeDigestBlob(sha256, d).toString('hex'), `0404${d.toString('hex')}`);
    const s1 = hashAlgoByName('sha1')!;
    assert.equal(encodeDigestBlob(s1, Buffer.alloc(20, 2), true)[0], 0x01);
    assert.equal(encodeDigestBlob(s1, Buffer.alloc(20, 2)).subarray(0, 2).toString('hex'), '0402');
    assert.throws(() => encodeDigestBlob(sha256, Buffer.alloc(31)), RangeError);
  });
  it('signature header round-trips', () => {
    const b = encodeSignatureBlob({ algo: hashAlgoByName('sha512')!, keyid: 0xdeadbeef, signature: hex('010203') });
    assert.equal(b.toString('hex'), '030206deadbeef0003010203');
    const p = parseImaBlob(b);
    assert.ok(!('error' in p) && p.kind === 'signature' && p.keyid === 0xdeadbeef);
  });
});
