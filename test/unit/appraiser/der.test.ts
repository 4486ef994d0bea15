import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { children, oidString, readSingle, readTlv } from '../../../appraiser/core/der.js';
import { spkiPublicKeyBits, keyidFromSkid } from '../../../appraiser/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('DER reader', () => {
  it('short and long lengths, nested children', () => {
    const t = readTlv(hex('30 06 02 01 05 04 01 aa'), 0);
    assert.equal(t.tag, 0x30);
    assert.deepEqual(children(t.value).map((c) => [c.tag, c.value.toString('hex')]), [[0x02, '05'], [0x04, 'aa']]);
    const long = Buffer.concat([hex('04 81 80'), Buffer.alloc(0x80, 1)]);
    assert.equal(readSingle(long, 0x04).value.length, 0x80);
  });
  it('rejects truncation, non-minimal lengths, trailing bytes, wrong tags', () => {
    assert.throws(() => readTlv(hex('30'), 0), /truncated/);
    assert.throws(() => readTlv(hex('04 05 00'), 0), /runs past/);
    assert.throws(() => readTlv(hex('04 81 05 0000000000'), 0), /non-minimal/);
    assert.throws(() => readTlv(hex('04 80'), 0), /bad length/);
    assert.throws(() => readSingle(hex('04 01 00 00'), 0x04), /trailing/);
    assert.throws(() => readSingle(hex('04 01 00'), 0x30), /expected tag/);
    assert.throws(() => readTlv(hex('1f 01 00'), 0), /multi-byte/);
  });
  it('OIDs', () => {
    assert.equal(oidString(hex('55 1d 0e')), '2.5.29.14');
    assert.equal(oidString(hex('2a 86 48 86 f7 0d 01 01 01')), '1.2.840.113549.1.1.1');
  });
  it('SPKI public key bits and SKID keyids', () => {
    // SEQUENCE { SEQUENCE { OID }, BIT STRING { 00 | 01 02 03 } }
    const spki = hex('30 0c 30 05 06 03 2b 65 70 03 03 00 01 02');
    assert.equal(spkiPublicKeyBits(spki).toString('hex'), '0102');
    assert.throws(() => spkiPublicKeyBits(hex('30 03 30 01 06')));
    assert.equal(keyidFromSkid(hex('0102030405060708')), 0x05060708);
    assert.equal(keyidFromSkid(hex('010203')), null);
  });
});
