/**
 * IMA keyids (the 4-byte `keyid` of signature_v2_hdr, big-endian).
 *
 * - From a certificate: the last 4 bytes of its Subject Key Identifier
 *   (ima-evm-utils read_keyid_from_cert(); the kernel finds IMA keys by the
 *   tail of their SKID-based key id).
 * - Without one: the last 4 bytes of SHA-1 over the subjectPublicKey BIT STRING
 *   contents, i.e. the raw key (RSAPublicKey DER, or the EC point), not the
 *   whole SubjectPublicKeyInfo (ima-evm-utils calc_keyid_v2(): X509_PUBKEY_get0_param
 *   then SHA1, bytes 16..19). With `subjectKeyIdentifier=hash` both agree.
 */
import { createHash, type KeyObject } from 'node:crypto';

/** Minimal DER walk of SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }. */
export function spkiPublicKeyBits(spki: Buffer): Buffer {
  let off = 0;
  const fail = (): never => { throw new RangeError('malformed SubjectPublicKeyInfo'); };
  const header = (tag: number): number => {
    if (spki[off++] !== tag) fail();
    const first = spki[off++];
    if (first === undefined) fail();
    let len = first;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n === 0 || n > 4) fail();
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (spki[off++] ?? fail());
    }
    if (off + len > spki.length) fail();
    return len;
  };
  header(0x30);
  const algLen = header(0x30);
  off += algLen;
  const bitLen = header(0x03);
  if (bitLen < 1 || spki[off] !== 0) fail();
  return spki.subarray(off + 1, off + bitLen);
}

/** evmctl's calc_keyid_v2 over the subjectPublicKey BIT STRING contents. */
export function keyidFromPublicKeyBits(bits: Uint8Array): number {
  return createHash('sha1').update(bits).digest().readUInt32BE(16);
}

/** evmctl's calc_keyid_v2 for a public key. */
export function keyidFromPublicKey(key: KeyObject): number {
  return keyidFromPublicKeyBits(spkiPublicKeyBits(key.export({ type: 'spki', format: 'der' })));
}

/** Last 4 bytes of a Subject Key Identifier, or null if it is shorter than 4 bytes. */
export function keyidFromSkid(skid: Uint8Array): number | null {
  if (skid.length < 4) return null;
  return Buffer.from(skid.buffer, skid.byteOffset, skid.length).readUInt32BE(skid.length - 4);
}
