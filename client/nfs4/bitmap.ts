import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';
import { XdrError } from '../errors.js';

/**
 * RFC 8881 §3.3.8:  typedef uint32_t bitmap4<>;
 * "bit n of the bitmap is ... word n / 32, bit n % 32" with bit 0 the least
 * significant bit of word 0, and word 0 sent first. In imafs a bitmap is the
 * ascending list of its set bit numbers (attribute or operation numbers).
 *
 * The protocol leaves bitmap4 unbounded; the highest attribute any RFC assigns is
 * below 96, so MAX_BITMAP_WORDS (256 bits) is generous and keeps a hostile length
 * from costing anything.
 */
export const MAX_BITMAP_WORDS = 8;
export const MAX_BITMAP_BIT = MAX_BITMAP_WORDS * 32 - 1;

export type Bitmap4 = number[];

/** Bit numbers -> the shortest word list (no trailing zero words). */
export function bitmapToWords(bits: Iterable<number>, maxWords = MAX_BITMAP_WORDS): number[] {
  const words: number[] = [];
  for (const b of bits) {
    if (!Number.isInteger(b) || b < 0 || b >= maxWords * 32) {
      throw new XdrError('IMAFS_XDR_BAD_VALUE', `bitmap4: bit ${b} outside 0..${maxWords * 32 - 1}`, 0);
    }
    const i = b >>> 5;
    while (words.length <= i) words.push(0);
    words[i] = (words[i] | (1 << (b & 31))) >>> 0;
  }
  return words;
}

/** Word list -> ascending bit numbers. */
export function bitmapFromWords(words: readonly number[]): Bitmap4 {
  const bits: number[] = [];
  for (let i = 0; i < words.length; i++) {
    // Lowest set bit first, one step per set bit (not per bit position: FATTR4_IMA is bit 29 of word 2).
    for (let w = words[i] | 0; w !== 0; w &= w - 1) bits.push(i * 32 + 31 - Math.clz32(w & -w));
  }
  return bits;
}

export function encodeBitmap4(w: XdrWriter, bits: Iterable<number>, maxWords = MAX_BITMAP_WORDS): void {
  w.array(bitmapToWords(bits, maxWords), maxWords, (ww, v) => ww.uint32(v), 'bitmap4');
}

/** Zero trailing words are legal on the wire and simply dropped. */
export function decodeBitmap4(r: XdrReader, maxWords = MAX_BITMAP_WORDS): Bitmap4 {
  return bitmapFromWords(r.array(maxWords, (rr) => rr.uint32(), 'bitmap4'));
}

/** Bits of `bits` that are also in `allowed`, in order: e.g. a GETATTR request minus what a server lacks. */
export function bitmapIntersect(bits: readonly number[], allowed: ReadonlySet<number>): Bitmap4 {
  return bits.filter((b) => allowed.has(b));
}
