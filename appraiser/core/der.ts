/**
 * A minimal strict DER reader (X.690 §8/§10: definite lengths, minimal
 * long-form lengths) for the few structures the appraiser walks itself:
 * certificate extensions, SubjectPublicKeyInfo and ECDSA signatures. Every read
 * is bounds-checked; any deviation throws RangeError.
 */
export interface Tlv {
  tag: number;
  /** Contents octets (a view into the input). */
  value: Buffer;
  /** Offset just past this element. */
  end: number;
}

export function readTlv(buf: Buffer, off: number, limit = buf.length): Tlv {
  if (off + 2 > limit) throw new RangeError('DER: truncated header');
  const tag = buf[off];
  if ((tag & 0x1f) === 0x1f) throw new RangeError('DER: multi-byte tags are not supported');
  let len = buf[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new RangeError('DER: bad length');
    if (p + n > limit) throw new RangeError('DER: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    if (len < 0x80 || buf[p] === 0) throw new RangeError('DER: non-minimal length');
    p += n;
  }
  if (p + len > limit) throw new RangeError('DER: value runs past its container');
  return { tag, value: buf.subarray(p, p + len), end: p + len };
}

/** The elements of a constructed value, in order. */
export function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < value.length;) {
    const t = readTlv(value, off);
    out.push(t);
    off = t.end;
  }
  return out;
}

/** Exactly one element spanning the whole buffer. */
export function readSingle(buf: Buffer, tag: number): Tlv {
  const t = readTlv(buf, 0);
  if (t.tag !== tag) throw new RangeError(`DER: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  if (t.end !== buf.length) throw new RangeError('DER: trailing bytes');
  return t;
}

/** OBJECT IDENTIFIER contents -> dotted string. */
export function oidString(v: Buffer): string {
  if (v.length === 0) throw new RangeError('DER: empty OID');
  const parts: number[] = [];
  let n = 0;
  for (const b of v) {
    n = n * 128 + (b & 0x7f);
    if (!(b & 0x80)) { parts.push(n); n = 0; }
  }
  const first = parts.shift()!;
  return [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80, ...parts].join('.');
}
