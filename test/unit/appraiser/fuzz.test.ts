/**
 * Fuzz the parser and appraise(): random and mutated values must always come
 * back as a result (parse) or a verdict with a known code, never an exception,
 * and quickly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, createPublicKey } from 'node:crypto';
import {
  parseImaBlob, appraise, Keyring, VERDICT_CODES, signDigestBlob, hashAlgoByName, encodeDigestBlob, measurementAlgo,
} from '../../../appraiser/index.js';
import { loadX509Libs } from '../../../appraiser/io/load-x509-libs.js';

const x509Libs = await loadX509Libs();

// Deterministic PRNG so a failure is reproducible from the seed.
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

function bytes(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = r() & 0xff;
  return b;
}

const codes = new Set<string>(VERDICT_CODES);

function mutate(r: () => number, src: Buffer): Buffer {
  const b = Buffer.from(src);
  const op = r() % 6;
  if (op === 0 && b.length) b[r() % b.length] ^= 1 << (r() % 8);
  else if (op === 1) return b.subarray(0, r() % (b.length + 1));
  else if (op === 2) return Buffer.concat([b, bytes(r, 1 + (r() % 8))]);
  else if (op === 3 && b.length > 8) b.writeUInt16BE(r() & 0xffff, 7);
  else if (op === 4 && b.length) b[r() % Math.min(b.length, 9)] = r() & 0xff;
  else if (op === 5 && b.length > 2) b[2] = r() % 30;
  return b;
}

describe('fuzz parseImaBlob / appraise', () => {
  const content = Buffer.from('fuzz target content');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyring = Keyring.fromSources([
    { data: Buffer.from(createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'pem' }) as string), source: 'rsa.pub' },
    { data: Buffer.from(createPublicKey(ec.privateKey).export({ type: 'spki', format: 'pem' }) as string), source: 'ec.pub' },
  ], [], x509Libs);
  const seeds: Buffer[] = [];
  for (const name of ['sha1', 'sha256', 'sha384', 'sha512']) {
    const algo = hashAlgoByName(name)!;
    const digest = createHash(name).update(content).digest();
    seeds.push(encodeDigestBlob(algo, digest), signDigestBlob({ privateKey: rsa.privateKey, algo, digest }), signDigestBlob({ privateKey: ec.privateKey, algo, digest }));
  }

  function check(blob: Buffer): void {
    const p = parseImaBlob(blob);
    assert.ok(typeof p === 'object' && p !== null);
    const algo = measurementAlgo(blob);
    const digest = algo ? createHash(algo.node!).update(content).digest() : createHash('sha256').update(content).digest();
    const v = appraise({ blob, digest, keyring, options: { allowedAlgorithms: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-256', 'sm3'] } });
    assert.ok(codes.has(v.code), `unexpected code ${v.code}`);
    assert.equal(typeof v.reason, 'string');
  }

  it('seed values verify (sanity: the fuzzer starts from valid input)', () => {
    for (const s of seeds) {
      const algo = measurementAlgo(s)!;
      const v = appraise({ blob: s, digest: createHash(algo.node!).update(content).digest(), keyring, options: { allowedAlgorithms: ['sha1', 'sha256', 'sha384', 'sha512'] } });
      assert.equal(v.code, 'ok', v.reason);
    }
  });

  it('20,000 random values', () => {
    const r = rng(0x5eed);
    const t0 = Date.now();
    for (let i = 0; i < 20_000; i++) {
      const len = r() % 5 === 0 ? r() % 5000 : r() % 80;
      const b = bytes(r, len);
      if (len > 0 && r() % 2) b[0] = 1 + (r() % 6); // bias towards known types
      if (len > 1 && r() % 2) b[1] = r() % 4;
      check(b);
    }
    assert.ok(Date.now() - t0 < 60_000);
  });

  it('5,000 mutations of valid values', () => {
    const r = rng(0xc0ffee);
    let nonOk = 0;
    for (let i = 0; i < 5_000; i++) {
      const seed = seeds[r() % seeds.length];
      const m = mutate(r, seed);
      check(m);
      const algo = measurementAlgo(m);
      if (algo) {
        const v = appraise({ blob: m, digest: createHash(algo.node!).update(content).digest(), keyring, options: { allowedAlgorithms: ['sha1', 'sha256', 'sha384', 'sha512'] } });
        if (v.code !== 'ok') nonOk++;
        else assert.ok(m.equals(seed), `a changed value was accepted: ${m.toString('hex')}`);
      } else nonOk++;
    }
    assert.ok(nonOk > 1000, 'mutations should mostly fail appraisal');
  });
});
