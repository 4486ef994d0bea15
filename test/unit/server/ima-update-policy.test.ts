import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImaUpdates, plainAddr } from '../../../server/ima-update-policy.js';

const FILE = { uid: 1000, gid: 100 };
const cred = (uid: number | undefined, gid: number | undefined, gids: number[] = [], addr = '127.0.0.1') => ({ uid, gid, gids, addr });

test('--ima-updates none (the default) refuses everyone, root included', () => {
  const p = parseImaUpdates();
  assert.equal(p.text, 'none');
  assert.match(p.refuse(cred(0, 0), FILE)!, /disabled/);
  assert.notEqual(p.refuse(cred(1000, 100), FILE), undefined);
});

test('root, owner (uid, primary gid or a supplementary gid) and their combination', () => {
  const root = parseImaUpdates('root');
  assert.equal(root.refuse(cred(0, 0), FILE), undefined);
  assert.match(root.refuse(cred(1000, 100), FILE)!, /uid 1000 gid 100 from 127\.0\.0\.1 is not allowed by --ima-updates root/);
  assert.match(root.refuse(cred(undefined, undefined), FILE)!, /AUTH_NONE/);
  const owner = parseImaUpdates('owner');
  assert.equal(owner.refuse(cred(1000, 5), FILE), undefined);
  assert.equal(owner.refuse(cred(7, 100), FILE), undefined);
  assert.equal(owner.refuse(cred(7, 5, [9, 100]), FILE), undefined);
  assert.notEqual(owner.refuse(cred(7, 5, [9]), FILE), undefined);
  assert.notEqual(owner.refuse(cred(0, 0), FILE), undefined, 'owner alone does not include root');
  assert.notEqual(owner.refuse(cred(undefined, undefined), FILE), undefined);
  const both = parseImaUpdates(' root , owner ');
  assert.equal(both.text, 'root,owner');
  assert.equal(both.refuse(cred(0, 0), FILE), undefined);
  assert.equal(both.refuse(cred(1000, 1), FILE), undefined);
});

test('clients= takes addresses and CIDRs (IPv4, IPv6, IPv4-mapped peers), several per rule', () => {
  const p = parseImaUpdates('clients=10.1.0.0/16;192.168.1.7+fd00::/8');
  assert.equal(p.refuse(cred(5, 5, [], '10.1.200.3'), FILE), undefined);
  assert.equal(p.refuse(cred(5, 5, [], '::ffff:10.1.0.1'), FILE), undefined);
  assert.equal(p.refuse(cred(5, 5, [], '192.168.1.7'), FILE), undefined);
  assert.notEqual(p.refuse(cred(5, 5, [], '192.168.1.8'), FILE), undefined);
  assert.equal(p.refuse(cred(5, 5, [], 'fd12::1'), FILE), undefined);
  assert.notEqual(p.refuse(cred(0, 0, [], '127.0.0.1'), FILE), undefined);
  assert.equal(plainAddr('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(plainAddr('::1'), '::1');
});

test('bad rule lists are configuration errors with IMAFS_SERVER_CONFIG', () => {
  for (const bad of ['', 'everyone', 'clients=', 'clients=host.example', 'clients=10.0.0.0/33', 'clients=::/129', 'none,root', 'clients=1.2.3.4/x']) {
    assert.throws(() => parseImaUpdates(bad), (e: { code?: string }) => e.code === 'IMAFS_SERVER_CONFIG', JSON.stringify(bad));
  }
});
