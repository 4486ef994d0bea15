/**
 * decodeWalkEntry (the audit READDIR's per-entry decoder) against the general
 * fattr4 decoder: the same WalkEntry for the attributes a walk asks for (with
 * and without FATTR4_IMA, at 93 and at another number, rdattr_error set),
 * the same XDR errors for malformed values, and null (general path) for an
 * attribute it does not decode. Plus XdrReader.uint64Number against
 * Number(uint64()).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XdrError } from '../../../client/errors.js';
import { FATTR4, NF4 } from '../../../client/nfs4/constants.js';
import { DEFAULT_ATTR_CONFIG, encodeFattr, makeAttrConfig, type Fattr, type RawFattr } from '../../../client/nfs4/fattr.js';
import { decodeWalkEntry } from '../../../client/readdir.js';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';

const FH = Buffer.from('0102030405060708090a0b0c', 'hex');
const IMA = Buffer.from('030204deadbeef0100aabbccdd', 'hex');

test('the WalkEntry of a file, a directory, a file without metadata; IMA at 93 and at 100', () => {
  const cases: [Fattr, boolean, object][] = [
    [{ type: NF4.REG, size: 4095n, filehandle: FH, mode: 0o755, ima: IMA }, true, { name: 'n', type: 'file', size: 4095, mode: 0o755, fh: FH, error: undefined, ima: IMA }],
    [{ type: NF4.DIR, size: 4096n, filehandle: FH, mode: 0o700, ima: Buffer.alloc(0) }, true, { name: 'n', type: 'directory', size: 4096, mode: 0o700, fh: FH, error: undefined, ima: Buffer.alloc(0) }],
    // No value in the reply although asked for: an empty value, as the general path gives.
    [{ type: NF4.REG, size: 1n, filehandle: FH, mode: 0o644 }, true, { name: 'n', type: 'file', size: 1, mode: 0o644, fh: FH, error: undefined, ima: Buffer.alloc(0) }],
    [{ type: NF4.LNK, size: 2n ** 40n, filehandle: FH, mode: 0o777 }, false, { name: 'n', type: 'symlink', size: 2 ** 40, mode: 0o777, fh: FH, error: undefined }],
    // rdattr_error: nothing else is believed.
    [{ rdattrError: 13, filehandle: FH }, true, { name: 'n', type: 'unknown', size: 0, mode: 0, fh: FH, error: 'NFS4ERR_ACCESS' }],
  ];
  for (const cfg of [DEFAULT_ATTR_CONFIG, makeAttrConfig(100)]) {
    for (const [f, ima, want] of cases) {
      const raw = encodeFattr(f, cfg);
      assert.deepEqual(decodeWalkEntry('n', raw, cfg.imaAttr, ima), want, `${JSON.stringify(Object.keys(f))} ima@${cfg.imaAttr}`);
    }
  }
});

test('malformed values: the same XDR errors as the general decoder', () => {
  const good = encodeFattr({ type: NF4.REG, size: 3n, filehandle: FH, mode: 0o644, ima: IMA });
  const broken = (mutate: (b: Buffer) => Buffer): RawFattr => ({ attrmask: good.attrmask, attrVals: mutate(Buffer.from(good.attrVals)) });
  // nfs_ftype4 has no value 10 (NF4REG 1 .. NF4NAMEDATTR 9).
  assert.throws(() => decodeWalkEntry('n', broken((b) => { b.writeUInt32BE(10, 0); return b; }), 93, true), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_BAD_VALUE');
  // Truncated inside FATTR4_IMA.
  assert.throws(() => decodeWalkEntry('n', broken((b) => b.subarray(0, b.length - 4)), 93, true), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_SHORT_BUFFER');
  // Trailing bytes after the last value.
  assert.throws(() => decodeWalkEntry('n', broken((b) => Buffer.concat([b, Buffer.alloc(4)])), 93, true), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TRAILING_BYTES');
  // A file handle longer than nfs_fh4<128>.
  // (written by hand: the encoder refuses it)
  const longFh = Buffer.concat([Buffer.from('00000081', 'hex'), Buffer.alloc(132)]);
  assert.throws(() => decodeWalkEntry('n', { attrmask: [FATTR4.FILEHANDLE], attrVals: longFh }, 93, false), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
});

test('an attribute the walk does not ask for: null, for the general path to decode or refuse', () => {
  const raw = encodeFattr({ type: NF4.REG, size: 3n, fileid: 7n, filehandle: FH });
  assert.equal(decodeWalkEntry('n', raw, 93, false), null);
});

test('uint64Number equals Number(uint64()), BigInt-free', () => {
  for (const v of [0n, 1n, 4095n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 53n + 3n, 2n ** 63n + 1025n, 2n ** 64n - 1n]) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(v);
    assert.equal(new XdrReader(b).uint64Number(), Number(new XdrReader(b).uint64()), String(v));
  }
  assert.throws(() => new XdrReader(Buffer.alloc(7)).uint64Number(), XdrError);
});
