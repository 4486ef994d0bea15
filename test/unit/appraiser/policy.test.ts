import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Policy, parsePolicyText, compilePathPattern, verdict, noImaSupportVerdict, ImafsAppraiserError, DEFAULT_ALLOWED_ALGOS } from '../../../appraiser/index.js';

const ok = verdict('ok', 'fine', { algo: 'sha256', kind: 'signature' });
const okDigest = verdict('ok', 'digest matches', { algo: 'sha256', kind: 'digest' });
const bad = verdict('bad-signature', 'nope', { algo: 'sha256', kind: 'signature' });
const read = { path: '/srv/a.txt', access: 'read' as const };

describe('Policy modes', () => {
  it('strict: only ok is allowed', () => {
    const p = new Policy({ mode: 'strict' });
    assert.deepEqual(p.decide(ok, read).allowed, true);
    const d = p.decide(bad, read);
    assert.equal(d.allowed, false);
    assert.equal(d.appraised, true);
    assert.equal(d.verdict.code, 'bad-signature');
    assert.match(d.reason, /denied \(bad-signature\)/);
    assert.equal(p.decide(noImaSupportVerdict(), read).allowed, false);
    assert.equal(p.decide(noImaSupportVerdict(), read).verdict.reason, 'server does not support FATTR4_IMA');
  });
  it('audit: never denies but says what strict would do', () => {
    const p = new Policy({ mode: 'audit' });
    const d = p.decide(bad, read);
    assert.equal(d.allowed, true);
    assert.equal(d.appraised, true);
    assert.equal(d.verdict.code, 'bad-signature');
    assert.match(d.reason, /would deny \(bad-signature\)/);
  });
  it('disabled: metadata ignored, nothing appraised', () => {
    const p = new Policy({ mode: 'disabled' });
    assert.equal(p.needsAppraisal(read).appraise, false);
    const d = p.decide(bad, read);
    assert.deepEqual([d.allowed, d.appraised], [true, false]);
  });
  it('default is strict without sha1/md5', () => {
    const p = new Policy();
    assert.equal(p.mode, 'strict');
    assert.deepEqual(p.config.allowedAlgorithms, [...DEFAULT_ALLOWED_ALGOS]);
    assert.ok(!p.config.allowedAlgorithms.includes('sha1'));
    assert.ok(!p.config.allowedAlgorithms.includes('md5'));
  });
  it('decide re-applies require-signature and allowed algorithms', () => {
    const p = new Policy({ requireSignature: true });
    assert.equal(p.decide(okDigest, read).verdict.code, 'signature-required');
    assert.equal(p.decide(ok, read).allowed, true);
    const sha1ok = verdict('ok', 'x', { algo: 'sha1', kind: 'signature' });
    assert.equal(new Policy().decide(sha1ok, read).verdict.code, 'disallowed-algorithm');
    assert.equal(new Policy({ allowedAlgorithms: ['sha1'] }).decide(sha1ok, read).allowed, true);
  });
  it('rejects bad config with IMAFS_CONFIG', () => {
    assert.throws(() => new Policy({ mode: 'lax' as never }), (e: unknown) => e instanceof ImafsAppraiserError && e.code === 'IMAFS_CONFIG');
    assert.throws(() => new Policy({ allowedAlgorithms: ['sha999'] }), /unknown hash algorithm 'sha999'/);
  });
});

describe('Policy rules', () => {
  const p = new Policy({
    rules: [
      { action: 'dont_appraise', path: '/bin/skip/**' },
      { action: 'appraise', path: '/bin/**', access: 'exec', requireSignature: true },
      { action: 'appraise', path: '*.so' },
    ],
  });
  it('first match wins; unmatched paths are not appraised', () => {
    assert.deepEqual(p.needsAppraisal({ path: '/bin/ls', access: 'exec' }).requireSignature, true);
    assert.equal(p.needsAppraisal({ path: '/bin/ls', access: 'exec' }).appraise, true);
    assert.equal(p.needsAppraisal({ path: '/bin/ls', access: 'read' }).appraise, false);
    assert.equal(p.needsAppraisal({ path: '/bin/skip/x', access: 'exec' }).appraise, false);
    assert.equal(p.needsAppraisal({ path: '/lib/libc.so', access: 'read' }).appraise, true);
    assert.equal(p.needsAppraisal({ path: '/lib/libc.so', access: 'read' }).requireSignature, false);
    assert.equal(p.needsAppraisal({ path: '/etc/passwd', access: 'read' }).appraise, false);
    const d = p.decide(bad, { path: '/etc/passwd', access: 'read' });
    assert.deepEqual([d.allowed, d.appraised], [true, false]);
    assert.equal(p.decide(okDigest, { path: '/bin/ls', access: 'exec' }).verdict.code, 'signature-required');
  });
  it('appraiseOptions carries the rule requirements', () => {
    assert.equal(p.appraiseOptions({ path: '/bin/ls', access: 'exec' }).requireSignature, true);
  });
});

describe('path patterns', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/bin/**', '/bin/ls', true], ['/bin/**', '/bin/a/b/c', true], ['/bin/**', '/usr/bin/ls', false],
    ['/bin/*', '/bin/ls', true], ['/bin/*', '/bin/a/b', false], ['/bin/**/x', '/bin/x', true], ['/bin/**/x', '/bin/a/b/x', true],
    ['*.so', '/usr/lib/libz.so', true], ['*.so', '/usr/lib/libz.so.1', false], ['/a?c', '/abc', true], ['/a?c', '/a/c', false],
    ['/a.b', '/aXb', false], ['/a+b(c)', '/a+b(c)', true],
  ];
  for (const [pat, path, want] of cases) it(`${pat} ~ ${path} = ${want}`, () => assert.equal(compilePathPattern(pat)(path), want));
});

describe('policy files', () => {
  it('line format', () => {
    const cfg = parsePolicyText(`# comment
mode=audit
require_signature=no
allowed_algos=sha256,sha512,sha1
dont_appraise path=/tmp/**
appraise func=BPRM_CHECK path=/usr/bin/** appraise_type=imasig
appraise access=read
`, 'p.txt');
    assert.equal(cfg.mode, 'audit');
    assert.equal(cfg.requireSignature, false);
    assert.deepEqual(cfg.allowedAlgorithms, ['sha256', 'sha512', 'sha1']);
    assert.equal(cfg.rules?.length, 3);
    assert.deepEqual({ ...cfg.rules![1], origin: undefined }, { action: 'appraise', access: 'exec', path: '/usr/bin/**', requireSignature: true, origin: undefined });
    assert.equal(cfg.rules![1].origin, 'p.txt:6');
  });
  it('JSON format', () => {
    const cfg = parsePolicyText('{"mode":"strict","requireSignature":true,"allowedAlgorithms":["sha384"],"rules":[{"action":"appraise","path":"/opt/**","access":"exec"}]}', 'p.json');
    assert.equal(cfg.mode, 'strict');
    assert.equal(cfg.requireSignature, true);
    assert.deepEqual(cfg.allowedAlgorithms, ['sha384']);
    assert.equal(cfg.rules![0].access, 'exec');
  });
  const bad: Array<[string, RegExp]> = [
    ['mode=lax', /p:1: mode must be strict, audit or disabled/],
    ['\n\nfoo=bar', /p:3: unknown setting 'foo'/],
    ['appraise path', /p:1: condition 'path' is not key=value/],
    ['appraise func=KEXEC', /p:1: func must be BPRM_CHECK/],
    ['appraise access=write', /p:1: access must be read or exec/],
    ['appraise fowner=0', /p:1: unknown condition 'fowner'/],
    ['allowed_algos=sha1,nope', /p:1: unknown hash algorithm 'nope'/],
    ['require_signature=maybe', /p:1: expected yes or no/],
    ['hello world', /p:1: expected a setting/],
    ['{"mode": "strict",', /p: invalid JSON/],
    ['{"modes": "strict"}', /p: unknown key 'modes'/],
    ['{"rules": [{"action": "measure"}]}', /rules\[0\]: action must be/],
    ['{"rules": [{"action": "appraise", "access": "write"}]}', /access must be "read" or "exec"/],
    ['{"requireSignature": "yes"}', /requireSignature must be true or false/],
    ['[1]', /./],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parsePolicyText(text, 'p'), (e: unknown) => e instanceof ImafsAppraiserError && e.code === 'IMAFS_POLICY_FILE' && re.test(e.message));
    });
  }
});
