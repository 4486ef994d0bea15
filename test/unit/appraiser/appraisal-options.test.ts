/**
 * The shared appraisal flags (bin/appraisal-options.ts): parsing with a real
 * commander Command and merging with a policy file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { addAppraisalOptions, loadAppraisal, policyFromFlags, type AppraisalFlags } from '../../../bin/appraisal-options.js';
import { ImafsAppraiserError } from '../../../appraiser/index.js';

function parse(args: string[]): AppraisalFlags {
  const cmd = addAppraisalOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => {} }));
  cmd.parse(args, { from: 'user' });
  return cmd.opts<AppraisalFlags>();
}

describe('appraisal options', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'imafs-opts-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('repeatable --keys/--ca and comma lists for --allow-algo', () => {
    const f = parse(['--keys', 'a.pem', '--keys', 'dir/', '--ca', 'ca.pem', '--allow-algo', 'sha1,md5', '--allow-algo', 'sha224', '--require-signature', '--policy', 'audit']);
    assert.deepEqual(f.keys, ['a.pem', 'dir/']);
    assert.deepEqual(f.ca, ['ca.pem']);
    assert.deepEqual(f.allowAlgo, ['sha1', 'md5', 'sha224']);
    assert.equal(f.requireSignature, true);
    assert.equal(f.policy, 'audit');
  });

  it('--policy accepts only strict/audit/disabled', () => {
    assert.throws(() => parse(['--policy', 'lenient']));
  });

  it('flags override the policy file; --allow-algo adds to its set', async () => {
    const pf = join(dir, 'p.policy');
    writeFileSync(pf, 'mode=audit\nallowed_algos=sha512\nappraise access=exec\n');
    const p = await policyFromFlags({ policyFile: pf, policy: 'strict', requireSignature: true, allowAlgo: ['sha1'] });
    assert.equal(p.mode, 'strict');
    assert.equal(p.config.requireSignature, true);
    assert.deepEqual(p.config.allowedAlgorithms, ['sha512', 'sha1']);
    assert.equal(p.config.rules.length, 1);
    const d = await policyFromFlags({ allowAlgo: ['sha1'] });
    assert.ok(d.config.allowedAlgorithms.includes('sha256') && d.config.allowedAlgorithms.includes('sha1'));
  });

  it('no keys: an empty keyring; bad inputs are config errors', async () => {
    const { keyring, policy } = await loadAppraisal({});
    assert.equal(keyring.size, 0);
    assert.equal(policy.mode, 'strict');
    await assert.rejects(policyFromFlags({ allowAlgo: ['crc32'] }), (e: unknown) => e instanceof ImafsAppraiserError && e.code === 'IMAFS_CONFIG');
    await assert.rejects(loadAppraisal({ keys: [join(dir, 'missing.pem')] }), (e: unknown) => e instanceof ImafsAppraiserError && e.code === 'IMAFS_KEY_LOAD');
    await assert.rejects(policyFromFlags({ policyFile: join(dir, 'missing.policy') }), (e: unknown) => e instanceof ImafsAppraiserError && e.code === 'IMAFS_POLICY_FILE');
  });
});
