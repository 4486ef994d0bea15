import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, UsageError, XdrError } from '../../../client/errors.js';
import { FATTR4, NF4 } from '../../../client/nfs4/constants.js';
import {
  attrAccess, attrNumber, decodeFattr, decodeFattr4, decodeFattrPartial, DEFAULT_ATTR_CONFIG, encodeFattr,
  encodeFattr4, knownAttrs, makeAttrConfig, type Fattr,
} from '../../../client/nfs4/fattr.js';
import { dec, enc, hex } from './hex.js';

// fattr4 with supported_attrs {0,1,4,93} + type REG + size 5 + FATTR4_IMA(93) = ab cd ef
const MASK = '00000003 00000013 00000000 20000000';
const VALS =
  '00000003 00000013 00000000 20000000' + // supported_attrs
  '00000001' + // type NF4REG
  '00000000 00000005' + // size
  '00000003 abcdef00'; // ima_data4<4096>
const FATTR4_BYTES = hex(`${MASK} 00000024 ${VALS}`);

test('fattr4 literal vector: supported_attrs + type + size + FATTR4_IMA (93)', () => {
  const raw = dec(FATTR4_BYTES, decodeFattr4);
  assert.deepEqual(raw.attrmask, [0, 1, 4, 93]);
  const f = decodeFattr(raw);
  assert.deepEqual(f, { supportedAttrs: [0, 1, 4, 93], type: NF4.REG, size: 5n, ima: hex('abcdef') });
  const back = encodeFattr(f);
  assert.deepEqual(enc((w) => encodeFattr4(w, back)), FATTR4_BYTES);
});

test('fattr4: IMA attribute number is configurable', () => {
  const cfg = makeAttrConfig(100);
  const raw = encodeFattr({ size: 1n, ima: Buffer.from('x') }, cfg);
  assert.deepEqual(raw.attrmask, [4, 100]);
  assert.deepEqual(decodeFattr(raw, cfg), { size: 1n, ima: Buffer.from('x') });
  // Under the default config, bit 100 is unknown: no length, so it cannot be skipped.
  assert.throws(() => decodeFattr(raw), (e: unknown) => e instanceof ProtocolError && /attribute 100/.test(e.message));
  assert.throws(() => makeAttrConfig(FATTR4.SIZE), UsageError);
  assert.throws(() => makeAttrConfig(256), UsageError);
  assert.equal(attrNumber('ima', cfg), 100);
  assert.equal(attrNumber('ima'), 93);
});

test('fattr4: unknown attribute in a reply mask is a ProtocolError naming it', () => {
  // attribute 24 (fs_locations) is known; 61 (fs_status) is not.
  const raw = { attrmask: [4, 61], attrVals: hex('00000000 00000001 00000000') };
  assert.throws(() => decodeFattr(raw), (e: unknown) => e instanceof ProtocolError && e.code === 'IMAFS_PROTOCOL' && /61/.test(e.message));
  const p = decodeFattrPartial(raw);
  assert.deepEqual(p, { fattr: { size: 1n }, decoded: [4], unknown: 61 });
});

test('fattr4: short, padded and trailing attr_vals are XDR errors', () => {
  const short = { attrmask: [4], attrVals: hex('00000000') };
  assert.throws(() => decodeFattr(short), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_SHORT_BUFFER');
  const trailing = { attrmask: [1], attrVals: hex('00000002 00000000') };
  assert.throws(() => decodeFattr(trailing), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TRAILING_BYTES');
  const badPad = { attrmask: [DEFAULT_ATTR_CONFIG.imaAttr], attrVals: hex('00000001 ab000100') };
  assert.throws(() => decodeFattr(badPad), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_BAD_PADDING');
  const badType = { attrmask: [1], attrVals: hex('0000000a') };
  assert.throws(() => decodeFattr(badType), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_BAD_VALUE');
  const bigIma = { attrmask: [93], attrVals: hex('00001001') };
  assert.throws(() => decodeFattr(bigIma), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_TOO_LONG');
  // attrlist4 itself: opaque with zero padding
  assert.throws(() => dec(hex('00000001 00000010 00000002 00010100'), decodeFattr4), (e: unknown) => e instanceof XdrError && e.code === 'IMAFS_XDR_BAD_PADDING');
  assert.throws(() => enc((w) => encodeFattr({ ima: Buffer.alloc(4097) })), XdrError);
});

test('fattr4: encode writes only present attributes, in bit order, restricted to the request', () => {
  const f: Fattr = {
    mode: 0o644, size: 10n, type: NF4.DIR, owner: 'root', fileid: 77n,
    timeModify: { seconds: 1700000000n, nseconds: 5 }, ima: Buffer.alloc(0),
  };
  const all = encodeFattr(f);
  assert.deepEqual(all.attrmask, [1, 4, 20, 33, 36, 53, 93]);
  const only = encodeFattr(f, DEFAULT_ATTR_CONFIG, [33, 4, 61, 200]);
  assert.deepEqual(only.attrmask, [4, 33]);
  assert.deepEqual(only.attrVals, hex('00000000 0000000a 000001a4'));
  assert.deepEqual(decodeFattr(all), f);
});

test('fattr4: every known attribute round-trips (settime4 arms, acl, fs_locations, rawdev, fsid)', () => {
  const f: Fattr = {
    supportedAttrs: [0, 1, 2], type: NF4.LNK, fhExpireType: 0, change: 2n ** 64n - 1n, size: 2n ** 53n + 1n,
    linkSupport: true, symlinkSupport: true, namedAttr: false, fsid: { major: 1n, minor: 2n }, uniqueHandles: true,
    leaseTime: 90, rdattrError: 0, acl: [{ type: 0, flag: 0, accessMask: 1, who: 'OWNER@' }], aclSupport: 15,
    archive: false, canSetTime: true, caseInsensitive: false, casePreserving: true, chownRestricted: true,
    filehandle: hex('0102030405'), fileid: 5n, filesAvail: 1n, filesFree: 2n, filesTotal: 3n,
    fsLocations: { fsRoot: ['a', 'b'], locations: [{ server: ['s1'], rootpath: ['x'] }] }, hidden: false,
    homogeneous: true, maxFileSize: 1n << 40n, maxLink: 255, maxName: 255, maxRead: 1048576n, maxWrite: 1048576n,
    mimeType: 'text/plain', mode: 0o4755, noTrunc: true, numLinks: 2, owner: '0', ownerGroup: '0',
    quotaAvailHard: 1n, quotaAvailSoft: 2n, quotaUsed: 3n, rawdev: { specdata1: 8, specdata2: 1 },
    spaceAvail: 1n, spaceFree: 2n, spaceTotal: 3n, spaceUsed: 4n, system: false,
    timeAccess: { seconds: -1n, nseconds: 999999999 }, timeAccessSet: { how: 'server' }, timeBackup: { seconds: 0n, nseconds: 0 },
    timeCreate: { seconds: 1n, nseconds: 1 }, timeDelta: { seconds: 0n, nseconds: 1 }, timeMetadata: { seconds: 2n, nseconds: 2 },
    timeModify: { seconds: 3n, nseconds: 3 }, timeModifySet: { how: 'client', time: { seconds: 4n, nseconds: 4 } },
    mountedOnFileid: 9n, dirNotifDelay: { seconds: 0n, nseconds: 0 }, direntNotifDelay: { seconds: 0n, nseconds: 0 },
    dacl: { flag: 1, aces: [] }, sacl: { flag: 0, aces: [{ type: 2, flag: 0, accessMask: 3, who: 'EVERYONE@' }] },
    changePolicy: { major: 1n, minor: 0n }, fsLayoutType: [1, 4], layoutBlksize: 4096, layoutAlignment: 4096,
    retentionHold: 0n, modeSetMasked: { mode: 0o7, mask: 0o777 }, suppattrExclcreat: [4, 33], fsCharsetCap: 3,
    cloneBlksize: 4096, spaceFreed: 0n, changeAttrType: 0, secLabel: { lfs: 1, pi: 0, data: hex('73797374656d') },
    modeUmask: { mode: 0o777, umask: 0o22 }, xattrSupport: true, ima: hex('0302'),
  };
  const raw = encodeFattr(f);
  assert.deepEqual(raw.attrmask, knownAttrs());
  assert.deepEqual(decodeFattr(raw), f);
});

test('settime4 on the wire (RFC 8881 §3.3.7): SET_TO_SERVER_TIME4 is void, CLIENT carries nfstime4', () => {
  const raw = encodeFattr({ timeAccessSet: { how: 'server' }, timeModifySet: { how: 'client', time: { seconds: 1n, nseconds: 2 } } });
  assert.deepEqual(raw.attrVals, hex('00000000 00000001 00000000 00000001 00000002'));
  assert.throws(() => decodeFattr({ attrmask: [48], attrVals: hex('00000002') }), XdrError);
  assert.throws(() => decodeFattr({ attrmask: [47], attrVals: hex('00000000 00000000 3b9aca00') }), XdrError);
});

test('attribute access classes for SETATTR/GETATTR checks', () => {
  assert.equal(attrAccess(FATTR4.TIME_MODIFY_SET), 'w');
  assert.equal(attrAccess(FATTR4.MODE), 'rw');
  assert.equal(attrAccess(FATTR4.TYPE), 'r');
  assert.equal(attrAccess(93), 'rw');
  assert.equal(attrAccess(61), undefined);
});

test('sameRawFattr compares mask and bytes (server VERIFY/NVERIFY)', async () => {
  const { sameRawFattr } = await import('../../../client/nfs4/fattr.js');
  const client = dec(hex('00000003 00000000 00000000 20000000 00000008 00000002 03020000'), decodeFattr4);
  assert.equal(sameRawFattr(client, encodeFattr({ ima: hex('0302'), size: 1n }, DEFAULT_ATTR_CONFIG, client.attrmask)), true);
  assert.equal(sameRawFattr(client, encodeFattr({ ima: hex('0303') }, DEFAULT_ATTR_CONFIG, client.attrmask)), false);
  assert.equal(sameRawFattr(client, encodeFattr({ size: 1n }, DEFAULT_ATTR_CONFIG, client.attrmask)), false);
  assert.throws(() => decodeFattr({ attrmask: [61], attrVals: Buffer.alloc(0) }), /attribute 61 \(FATTR4_FS_STATUS\)/);
});
