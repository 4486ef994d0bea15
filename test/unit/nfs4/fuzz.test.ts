import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { ImafsClientError } from '../../../client/errors.js';
import { decodeCompound4Args, decodeCompound4Res } from '../../../client/nfs4/compound.js';
import { decodeFattr, decodeFattrPartial, type RawFattr } from '../../../client/nfs4/fattr.js';
import { callSeeds, replySeeds } from './fuzz-corpus.js';

/**
 * Seeded fuzzing of the COMPOUND decoders in both directions: mutated, truncated,
 * spliced and random records. Anything escaping other than an ImafsClientError
 * subclass (a TypeError, RangeError, a stack overflow) fails the test with the
 * seed and case number to replay it (IMAFS_FUZZ_SEED, IMAFS_FUZZ_CASES).
 * A hang is caught by the test's timeout.
 */
const SEED = Number(process.env.IMAFS_FUZZ_SEED ?? 0x1a5f5eed) >>> 0;
const CASES = Number(process.env.IMAFS_FUZZ_CASES ?? 30000);

/** mulberry32: small, fast, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 10044, 93, 128, 129, 4096, 4097];

function mutate(src: Buffer, rnd: () => number, other: Buffer): Buffer {
  const int = (n: number) => Math.floor(rnd() * n);
  let b = Buffer.from(src);
  const rounds = 1 + int(4);
  for (let i = 0; i < rounds; i++) {
    switch (int(8)) {
      case 0: // bit flip
        if (b.length) b[int(b.length)] ^= 1 << int(8);
        break;
      case 1: // random byte
        if (b.length) b[int(b.length)] = int(256);
        break;
      case 2: // interesting aligned word (lengths, counts, discriminants)
        if (b.length >= 4) b.writeUInt32BE(INTERESTING[int(INTERESTING.length)] >>> 0, int(b.length >> 2) << 2);
        break;
      case 3: // truncate
        b = b.subarray(0, int(b.length + 1));
        break;
      case 4: { // delete a word
        const at = int(b.length >> 2) << 2;
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 4)]);
        break;
      }
      case 5: { // insert a word
        const at = int((b.length >> 2) + 1) << 2;
        const w = Buffer.alloc(4);
        w.writeUInt32BE(INTERESTING[int(INTERESTING.length)] >>> 0);
        b = Buffer.concat([b.subarray(0, at), w, b.subarray(at)]);
        break;
      }
      case 6: { // splice with another seed
        const at = int(b.length + 1);
        b = Buffer.concat([b.subarray(0, at), other.subarray(int(other.length + 1))]);
        break;
      }
      default: // append garbage
        b = Buffer.concat([b, Buffer.from(Array.from({ length: int(16) }, () => int(256)))]);
    }
  }
  return b;
}

function randomBuffer(rnd: () => number): Buffer {
  const n = Math.floor(rnd() * 256);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
}

/** Every raw fattr4 a decoded result carries, to push through the typed decoder too. */
function fattrsIn(v: unknown, out: RawFattr[] = [], depth = 0): RawFattr[] {
  if (depth > 8 || v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return out;
  if ('attrmask' in v && 'attrVals' in v) out.push(v as RawFattr);
  for (const x of Object.values(v)) fattrsIn(x, out, depth + 1);
  return out;
}

function run(label: string, fn: () => void, codes: Map<string, number>, where: string): void {
  try {
    fn();
    codes.set('ok', (codes.get('ok') ?? 0) + 1);
  } catch (e) {
    if (!(e instanceof ImafsClientError)) {
      assert.fail(`${label}: ${where} threw a non-imafs error: ${(e as Error)?.stack ?? String(e)}`);
    }
    codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
  }
}

test(`fuzz COMPOUND4res decoding (client side), seed ${SEED}`, { timeout: 120_000 }, () => {
  const seeds = replySeeds();
  for (const s of seeds) decodeCompound4Res(new XdrReader(s.bytes), s.sent); // the corpus itself is valid
  const rnd = prng(SEED);
  const codes = new Map<string, number>();
  for (let i = 0; i < CASES; i++) {
    const s = seeds[Math.floor(rnd() * seeds.length)];
    const other = seeds[Math.floor(rnd() * seeds.length)].bytes;
    const bytes = rnd() < 0.05 ? randomBuffer(rnd) : mutate(s.bytes, rnd, other);
    run(`reply case ${i}`, () => {
      const res = decodeCompound4Res(new XdrReader(bytes), s.sent);
      for (const f of fattrsIn(res)) decodeFattr(f);
    }, codes, `seed ${SEED} case ${i} input ${bytes.toString('hex')}`);
  }
  // the fuzzer must reach both outcomes and the main error kinds, or it tests nothing
  for (const c of ['ok', 'IMAFS_XDR_SHORT_BUFFER', 'IMAFS_XDR_TOO_LONG', 'IMAFS_XDR_BAD_VALUE', 'IMAFS_XDR_TRAILING_BYTES', 'IMAFS_PROTOCOL']) {
    assert.ok((codes.get(c) ?? 0) > 0, `no case ended in ${c}: ${JSON.stringify([...codes])}`);
  }
});

test(`fuzz COMPOUND4args decoding (server side), seed ${SEED}`, { timeout: 120_000 }, () => {
  const seeds = callSeeds();
  for (const s of seeds) assert.equal(decodeCompound4Args(new XdrReader(s.bytes)).stop, undefined);
  const rnd = prng(SEED ^ 0x5eed);
  const codes = new Map<string, number>();
  const stops = new Map<string, number>();
  for (let i = 0; i < CASES; i++) {
    const s = seeds[Math.floor(rnd() * seeds.length)];
    const other = seeds[Math.floor(rnd() * seeds.length)].bytes;
    const bytes = rnd() < 0.05 ? randomBuffer(rnd) : mutate(s.bytes, rnd, other);
    run(`call case ${i}`, () => {
      const d = decodeCompound4Args(new XdrReader(bytes), { maxOps: 16 });
      stops.set(d.stop?.reason ?? 'complete', (stops.get(d.stop?.reason ?? 'complete') ?? 0) + 1);
      if (d.stop?.error !== undefined) assert.ok(d.stop.error instanceof ImafsClientError);
      for (const f of fattrsIn(d.argarray)) decodeFattrPartial(f);
    }, codes, `seed ${SEED} case ${i} input ${bytes.toString('hex')}`);
  }
  for (const r of ['complete', 'unknown-op', 'bad-args']) {
    assert.ok((stops.get(r) ?? 0) > 0, `no call decode ended as ${r}: ${JSON.stringify([...stops])}`);
  }
  assert.ok((codes.get('IMAFS_XDR_SHORT_BUFFER') ?? 0) > 0);
});

test(`fuzz fattr4 values (typed decoder), seed ${SEED}`, { timeout: 120_000 }, async () => {
  const { knownAttrs, encodeFattr } = await import('../../../client/nfs4/fattr.js');
  const known = knownAttrs();
  const rnd = prng(SEED ^ 0xfa77);
  const codes = new Map<string, number>();
  const valid = encodeFattr({ supportedAttrs: known, type: 2, size: 1n, owner: 'x', timeAccessSet: { how: 'server' }, ima: Buffer.from('abc') });
  for (let i = 0; i < CASES; i++) {
    let raw: RawFattr;
    if (rnd() < 0.5) {
      const mask = known.filter(() => rnd() < 0.1);
      if (rnd() < 0.1) mask.push(Math.floor(rnd() * 256));
      mask.sort((a, b) => a - b);
      raw = { attrmask: [...new Set(mask)], attrVals: randomBuffer(rnd) };
    } else {
      raw = { attrmask: valid.attrmask, attrVals: mutate(valid.attrVals, rnd, valid.attrVals) };
    }
    run(`fattr case ${i}`, () => void decodeFattr(raw), codes, `seed ${SEED} case ${i} mask ${raw.attrmask} vals ${raw.attrVals.toString('hex')}`);
  }
  for (const c of ['ok', 'IMAFS_XDR_SHORT_BUFFER', 'IMAFS_XDR_TRAILING_BYTES', 'IMAFS_PROTOCOL']) {
    assert.ok((codes.get(c) ?? 0) > 0, `no fattr case ended in ${c}: ${JSON.stringify([...codes])}`);
  }
});
