/**
 * statFromRaw (client/nfs-stat.ts), the stat() decoder that goes from fattr4
 * bytes straight to an NfsStat: exact values from a literal vector, the same
 * result as the general path (decodeFattr + statFromFattr) for every mask,
 * and the same refusals of malformed values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, XdrError } from '../../../client/errors.js';
import { FATTR4, NF4 } from '../../../client/nfs4/constants.js';
import { decodeFattr, DEFAULT_ATTR_CONFIG, encodeFattr, type Fattr, type RawFattr } from '../../../client/nfs4/fattr.js';
import { statFromFattr, statFromRaw, STAT_ATTRS } from '../../../client/nfs-stat.js';
import { hex } from './hex.js';

const ALL: Fattr = {
  type: NF4.REG, change: 0x1122334455667788n, size: 35664n, fsid: { major: 65024n, minor: 7n }, fileid: 2212862n,
  mode: 0o4755, numLinks: 3, owner: '1000', ownerGroup: 'staff@example', rawdev: { specdata1: 8, specdata2: 1 },
  timeAccess: { seconds: 1_795_339_945n, nseconds: 945_951_888 },
  timeMetadata: { seconds: -1n, nseconds: 999_999_999 }, // 1969-12-31T23:59:59.999Z
  timeModify: { seconds: 0x1_0000_0001n, nseconds: 1_000_000 }, // seconds beyond 32 bits
};

test('statFromRaw: literal attributes decode to the exact NfsStat', () => {
  const raw = encodeFattr(ALL, DEFAULT_ATTR_CONFIG, STAT_ATTRS);
  assert.deepEqual(raw.attrmask, [...STAT_ATTRS].sort((a, b) => a - b));
  assert.deepEqual(statFromRaw(raw, DEFAULT_ATTR_CONFIG), {
    type: 'file', size: 35664, mode: 0o4755, numlinks: 3, owner: '1000', ownerGroup: 'staff@example', uid: 1000, gid: undefined,
    fileid: 2212862n, change: 0x1122334455667788n,
    atime: new Date(1_795_339_945_945), mtime: new Date(0x1_0000_0001 * 1000 + 1), ctime: new Date(-1),
    fsid: { major: 65024n, minor: 7n }, rawdev: { major: 8, minor: 1 },
  });
});

test('statFromRaw equals decodeFattr + statFromFattr for every subset of STAT_ATTRS tried', () => {
  const masks: number[][] = [[], [FATTR4.TYPE], [FATTR4.TYPE, FATTR4.SIZE, FATTR4.TIME_MODIFY], [FATTR4.OWNER_GROUP, FATTR4.RAWDEV], [...STAT_ATTRS]];
  for (let i = 0; i < STAT_ATTRS.length; i++) masks.push(STAT_ATTRS.filter((_, k) => k !== i));
  for (const m of masks) {
    const raw = encodeFattr(ALL, DEFAULT_ATTR_CONFIG, m);
    assert.deepEqual(statFromRaw(raw, DEFAULT_ATTR_CONFIG), statFromFattr(decodeFattr(raw)), `mask ${m.join(',')}`);
  }
});

test('statFromRaw: a bit outside STAT_ATTRS takes the general decoder (same result, same errors)', () => {
  const raw = encodeFattr({ ...ALL, supportedAttrs: [0, 1, 4], ima: hex('0302') }, DEFAULT_ATTR_CONFIG, [...STAT_ATTRS, FATTR4.SUPPORTED_ATTRS, 93]);
  assert.deepEqual(statFromRaw(raw, DEFAULT_ATTR_CONFIG), statFromFattr(decodeFattr(raw)));
  const unknown: RawFattr = { attrmask: [FATTR4.TYPE, 200], attrVals: hex('00000001 00000000') };
  assert.throws(() => statFromRaw(unknown, DEFAULT_ATTR_CONFIG), (e: unknown) => e instanceof ProtocolError && /attribute 200/.test(e.message));
});

test('statFromRaw refuses what the general decoder refuses', () => {
  const bad = (attrmask: number[], vals: string, code: string): void => {
    const raw = { attrmask, attrVals: hex(vals) };
    assert.throws(() => decodeFattr(raw), (e: unknown) => e instanceof XdrError && e.code === code);
    assert.throws(() => statFromRaw(raw, DEFAULT_ATTR_CONFIG), (e: unknown) => e instanceof XdrError && e.code === code);
  };
  bad([FATTR4.TIME_MODIFY], '00000000 00000001 3b9aca00', 'IMAFS_XDR_BAD_VALUE'); // nseconds = 1e9
  bad([FATTR4.TYPE], '00000063', 'IMAFS_XDR_BAD_VALUE'); // no nfs_ftype4 99
  bad([FATTR4.MODE], '000001ed 00000000', 'IMAFS_XDR_TRAILING_BYTES');
  bad([FATTR4.SIZE], '00000000', 'IMAFS_XDR_SHORT_BUFFER');
  bad([FATTR4.OWNER], '00000001 41000001', 'IMAFS_XDR_BAD_PADDING');
});
