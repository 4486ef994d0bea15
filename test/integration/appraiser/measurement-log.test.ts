/**
 * The measurement log: ima-sig ascii lines that real evmctl recomputes and
 * prints identically (evmctl ima_measurement on the equivalent binary list),
 * and JSON lines with verdict, reason and decision.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evmSign, makeKey, tmpDir, writeContent, type TmpDir } from '../../helpers/ima-keys.js';
import { MeasurementLog, Policy, appraiseFile, imaSigFields, loadKeyring, templateHash, type MeasurementInput } from '../../../appraiser/index.js';

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** binary_runtime_measurements entry: pcr | template digest | name len | name | data len | data. */
function binaryEntry(m: MeasurementInput): Buffer {
  const { dng, nng, sig } = imaSigFields(m);
  const data = Buffer.concat([u32(dng.length), dng, u32(nng.length), nng, u32(sig.length), sig]);
  return Buffer.concat([u32(10), templateHash(m), u32(7), Buffer.from('ima-sig'), u32(data.length), data]);
}

describe('MeasurementLog', () => {
  let t: TmpDir;
  before(() => { t = tmpDir(); });
  after(() => t?.cleanup());

  it('ascii lines match what evmctl ima_measurement recomputes from the binary form', async () => {
    const key = makeKey(t.dir, 'rsa2048', { name: 'log-key' });
    const keyring = await loadKeyring({ keys: [key.cert] });
    const signed = join(t.dir, 'signed file.bin');
    const plain = join(t.dir, 'plain.bin');
    writeContent(signed, 7000);
    writeContent(plain, 10);
    evmSign(signed, key, 'sha256');
    const asciiPath = join(t.dir, 'ascii.log');
    const jsonPath = join(t.dir, 'log.jsonl');
    const log = new MeasurementLog({ ascii: asciiPath, json: jsonPath });
    const policy = new Policy({ mode: 'audit' });
    const r1 = await appraiseFile(signed, { keyring, policy, log, access: 'exec' });
    const r2 = await appraiseFile(plain, { keyring, policy, log });
    log.close();

    const ascii = readFileSync(asciiPath, 'utf8').split('\n').filter(Boolean);
    assert.equal(ascii.length, 1, 'the unmeasured file (no metadata) has no ima-sig line');
    const fields = ascii[0].split(' ');
    assert.equal(fields[0], '10');
    assert.equal(fields[2], 'ima-sig');
    assert.equal(fields[3], `sha256:${r1.digest!.toString('hex')}`);
    assert.equal(fields[4], signed.replace(/ /g, '_'));
    assert.equal(fields[5], r1.blob!.toString('hex'));

    const bin = join(t.dir, 'binary_runtime_measurements');
    writeFileSync(bin, binaryEntry({ path: signed, algo: 'sha256', digest: r1.digest!, blob: r1.blob }));
    const ev = spawnSync('evmctl', ['-v', 'ima_measurement', '--ignore-violations', bin], { encoding: 'utf8' });
    assert.equal(ev.status, 0, ev.stderr);
    assert.ok((ev.stdout + ev.stderr).split('\n').includes(ascii[0]), 'evmctl prints the same line');

    const tampered = binaryEntry({ path: signed, algo: 'sha256', digest: r1.digest!, blob: r1.blob });
    tampered[4] ^= 0xff;
    writeFileSync(bin, tampered);
    const bad = spawnSync('evmctl', ['ima_measurement', '--ignore-violations', bin], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /Failed to verify template data digest/);

    const json = readFileSync(jsonPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(json.length, 2);
    assert.equal(json[0].path, signed);
    assert.equal(json[0].access, 'exec');
    assert.equal(json[0].verdict, 'ok');
    assert.equal(json[0].allowed, true);
    assert.equal(json[0].mode, 'audit');
    assert.equal(json[0].keyid, key.skidKeyid);
    assert.ok(!Number.isNaN(Date.parse(json[0].time)));
    assert.equal(json[1].verdict, 'no-metadata');
    assert.equal(json[1].allowed, true);
    assert.match(json[1].decision, /would deny \(no-metadata\)/);
    assert.equal(r2.decision.allowed, true);
  });

  it('appends and never truncates', () => {
    const p = join(t.dir, 'append.jsonl');
    writeFileSync(p, 'existing\n');
    const log = new MeasurementLog({ json: p });
    const decision = new Policy().decide({ code: 'ok', reason: 'x', algo: 'sha256' }, { path: '/a', access: 'read' });
    log.record({ path: '/a', decision, digest: Buffer.alloc(32) });
    assert.equal(readFileSync(p, 'utf8').split('\n').length, 3, 'flushed before close');
    log.close();
    assert.equal(readFileSync(p, 'utf8').split('\n')[0], 'existing');
  });

  it('an unwritable log path is an IMAFS_CONFIG error naming it', () => {
    const p = join(t.dir, 'no-such-dir', 'x.log');
    assert.throws(() => new MeasurementLog({ ascii: p }), (e: Error & { code?: string }) => e.code === 'IMAFS_CONFIG' && e.message.includes(p));
  });
});
