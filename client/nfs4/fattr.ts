import { XdrReader } from '../xdr/xdr-reader.js';
import { XdrWriter } from '../xdr/xdr-writer.js';
import { ProtocolError, UsageError } from '../errors.js';
import { decodeBitmap4, encodeBitmap4, MAX_BITMAP_BIT, type Bitmap4 } from './bitmap.js';
import { DEFAULT_IMA_ATTR, FATTR4 } from './constants.js';
import { imaAttrDesc, STANDARD_ATTRS, type AttrAccess, type AttrDesc, type Fattr, type FattrKey } from './fattr-attrs.js';

export type { Fattr, FattrKey, AttrAccess, AttrDesc } from './fattr-attrs.js';

/**
 * RFC 8881 §3.3.8-§3.3.9:
 *   typedef opaque attrlist4<>;
 *   struct fattr4 { bitmap4 attrmask; attrlist4 attr_vals; };
 * attr_vals holds the values of the set bits, lowest bit first, each in its own XDR
 * type with no per-attribute length: a reader must know every attribute in the mask.
 *
 * Op codecs keep fattr4 as a RawFattr (mask + undecoded bytes) so they need no
 * configuration; `decodeFattr`/`encodeFattr` turn it into a typed `Fattr` with the
 * caller's AttrConfig (which number FATTR4_IMA has).
 */
export interface RawFattr {
  attrmask: Bitmap4;
  attrVals: Buffer;
}

/** imafs's bound on attr_vals; a GETATTR reply with everything imafs knows is a few KiB. */
export const MAX_ATTRLIST = 1 << 20;

export function encodeFattr4(w: XdrWriter, f: RawFattr): void {
  encodeBitmap4(w, f.attrmask);
  w.opaqueVar(f.attrVals, MAX_ATTRLIST, 'attrlist4');
}
export function decodeFattr4(r: XdrReader): RawFattr {
  return { attrmask: decodeBitmap4(r), attrVals: r.opaqueVar(MAX_ATTRLIST, 'attrlist4') };
}
/** No attributes (e.g. EXCLUSIVE4_1 createattrs when none are wanted). */
export const EMPTY_FATTR: RawFattr = Object.freeze({ attrmask: Object.freeze([]) as unknown as number[], attrVals: Buffer.alloc(0) });

/** Which attribute number FATTR4_IMA has (the draft assigns none; default 93). */
export interface AttrConfig {
  readonly imaAttr: number;
}

interface AttrTable {
  byNum: ReadonlyMap<number, AttrDesc>;
  ordered: readonly AttrDesc[];
}
const tables = new Map<number, AttrTable>();
const STANDARD_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(FATTR4).map(([k, v]) => [v, k]));
const STANDARD_NUMS = new Set(STANDARD_ATTRS.map((a) => a.num));

/** Checks an IMA attribute number: within bitmap range and not an RFC-assigned attribute. */
export function makeAttrConfig(imaAttr: number = DEFAULT_IMA_ATTR): AttrConfig {
  if (!Number.isInteger(imaAttr) || imaAttr < 0 || imaAttr > MAX_BITMAP_BIT) {
    throw new UsageError(`IMA attribute number ${imaAttr} is not in 0..${MAX_BITMAP_BIT}`);
  }
  if (STANDARD_NUMS.has(imaAttr)) {
    throw new UsageError(`IMA attribute number ${imaAttr} is already a standard NFSv4 attribute`);
  }
  return Object.freeze({ imaAttr });
}
export const DEFAULT_ATTR_CONFIG: AttrConfig = makeAttrConfig(DEFAULT_IMA_ATTR);

function tableFor(cfg: AttrConfig): AttrTable {
  let t = tables.get(cfg.imaAttr);
  if (t === undefined) {
    if (STANDARD_NUMS.has(cfg.imaAttr)) makeAttrConfig(cfg.imaAttr); // throws the explanation
    const ordered = [...STANDARD_ATTRS, imaAttrDesc(cfg.imaAttr)].sort((a, b) => a.num - b.num);
    t = { byNum: new Map(ordered.map((a) => [a.num, a])), ordered };
    tables.set(cfg.imaAttr, t);
  }
  return t;
}

/** The descriptor of attribute `num` under `cfg`, or undefined when imafs does not know it. */
export function attrDesc(num: number, cfg: AttrConfig = DEFAULT_ATTR_CONFIG): AttrDesc | undefined {
  return tableFor(cfg).byNum.get(num);
}
/** Attribute numbers imafs can encode and decode, ascending. */
export function knownAttrs(cfg: AttrConfig = DEFAULT_ATTR_CONFIG): number[] {
  return tableFor(cfg).ordered.map((a) => a.num);
}
/** Attribute number of a Fattr key under `cfg`. */
export function attrNumber(key: FattrKey, cfg: AttrConfig = DEFAULT_ATTR_CONFIG): number {
  const a = tableFor(cfg).ordered.find((x) => x.key === key);
  if (a === undefined) throw new UsageError(`no attribute for key ${key}`);
  return a.num;
}

/**
 * Server side: encode the attributes present in `f` (and in `only`, when given,
 * e.g. the client's GETATTR request), in bit order. Returns the mask actually
 * written, so absent or unknown requested bits are simply cleared.
 */
export function encodeFattr(f: Fattr, cfg: AttrConfig = DEFAULT_ATTR_CONFIG, only?: Iterable<number>): RawFattr {
  const want = only === undefined ? undefined : new Set(only);
  const w = new XdrWriter(256);
  const mask: number[] = [];
  for (const a of tableFor(cfg).ordered) {
    const v = f[a.key];
    if (v === undefined || (want !== undefined && !want.has(a.num))) continue;
    a.enc(w, v as never);
    mask.push(a.num);
  }
  return { attrmask: mask, attrVals: w.finish() };
}

export interface PartialFattr {
  fattr: Fattr;
  /** Bits decoded, ascending. */
  decoded: Bitmap4;
  /** First bit imafs does not know; decoding stopped there (no length to skip it). */
  unknown?: number;
}

/**
 * Server side (SETATTR, VERIFY, NVERIFY, OPEN createattrs): decode what can be
 * decoded, stopping at the first unknown attribute so the caller can answer
 * NFS4ERR_ATTRNOTSUPP. Malformed values throw XdrError (answer NFS4ERR_BADXDR).
 */
export function decodeFattrPartial(raw: RawFattr, cfg: AttrConfig = DEFAULT_ATTR_CONFIG): PartialFattr {
  const byNum = tableFor(cfg).byNum;
  const r = new XdrReader(raw.attrVals);
  const fattr: Fattr = {};
  const decoded: number[] = [];
  for (const num of raw.attrmask) {
    const a = byNum.get(num);
    if (a === undefined) return { fattr, decoded, unknown: num };
    (fattr as Record<string, unknown>)[a.key] = a.dec(r);
    decoded.push(num);
  }
  r.assertEnd('fattr4 attr_vals');
  return { fattr, decoded };
}

/**
 * Client side: decode a server's fattr4 completely. An attribute imafs does not
 * know cannot be skipped (attrlist4 carries no per-attribute length), so it is a
 * ProtocolError naming the attribute: imafs never asks for one it cannot decode.
 */
export function decodeFattr(raw: RawFattr, cfg: AttrConfig = DEFAULT_ATTR_CONFIG): Fattr {
  const p = decodeFattrPartial(raw, cfg);
  if (p.unknown !== undefined) {
    const name = STANDARD_NAMES.get(p.unknown);
    throw new ProtocolError(`fattr4: reply carries attribute ${p.unknown}${name ? ` (FATTR4_${name})` : ''}, which imafs cannot decode (no length to skip it)`);
  }
  return p.fattr;
}

/** Whether attribute `num` may be read with GETATTR / set with SETATTR (RFC 8881 §5.5). */
export function attrAccess(num: number, cfg: AttrConfig = DEFAULT_ATTR_CONFIG): AttrAccess | undefined {
  return attrDesc(num, cfg)?.access;
}

/**
 * VERIFY/NVERIFY on the server (RFC 8881 §18.31.3): encode the object's own values
 * for the client's mask with encodeFattr(..., mask) and compare: equal masks and
 * equal bytes mean equal attributes, since every attribute has one encoding.
 */
export function sameRawFattr(a: RawFattr, b: RawFattr): boolean {
  return a.attrmask.length === b.attrmask.length && a.attrmask.every((v, i) => v === b.attrmask[i]) && a.attrVals.equals(b.attrVals);
}
