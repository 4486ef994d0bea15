/**
 * Measurement log entries in the kernel's `ima-sig` template
 * (security/integrity/ima/ima_template_lib.c, ima_api.c ima_calc_field_array_hash()).
 *
 * Template data = for each field (d-ng, n-ng, sig): u32 length (little-endian,
 * the kernel's canonical format) followed by the field data:
 *   d-ng: "<algo>:" NUL digest         (ima_eventdigest_init_common)
 *   n-ng: path with ' ' replaced by '_', NUL-terminated (ima_write_template_field_data, DATA_FMT_STRING)
 *   sig:  the security.ima value when its type is 0x03, else empty (ima_eventsig_init)
 * template hash = SHA-1 over that (the SHA-1 bank shown in ascii_runtime_measurements).
 *
 * ASCII line (ima_ascii_measurements_show): "<pcr> <template-hash> ima-sig" then
 * " " + each field: "algo:hexdigest", the path, the signature hex (empty when none).
 */
import { createHash } from 'node:crypto';
import { EVM_IMA_XATTR_DIGSIG } from './blob-format.js';
import type { Decision } from './policy.js';

export const IMA_PCR = 10;

export interface MeasurementInput {
  path: string;
  /** Kernel algorithm name and the content digest. */
  algo: string;
  digest: Uint8Array;
  /** The security.ima value, if any. */
  blob?: Uint8Array | null;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

export function imaSigFields(m: MeasurementInput): { dng: Buffer; nng: Buffer; sig: Buffer } {
  const dng = Buffer.concat([Buffer.from(`${m.algo}:\0`, 'latin1'), m.digest]);
  const nng = Buffer.concat([Buffer.from(m.path.replace(/ /g, '_'), 'utf8'), Buffer.from([0])]);
  const sig = m.blob && m.blob.length > 0 && m.blob[0] === EVM_IMA_XATTR_DIGSIG ? Buffer.from(m.blob) : Buffer.alloc(0);
  return { dng, nng, sig };
}

export function templateHash(m: MeasurementInput): Buffer {
  const { dng, nng, sig } = imaSigFields(m);
  const h = createHash('sha1');
  for (const f of [dng, nng, sig]) h.update(u32le(f.length)).update(f);
  return h.digest();
}

/** One ascii_runtime_measurements line (without the newline). */
export function imaSigAsciiLine(m: MeasurementInput, pcr = IMA_PCR): string {
  const { sig } = imaSigFields(m);
  const path = m.path.replace(/ /g, '_');
  return `${pcr} ${templateHash(m).toString('hex')} ima-sig ${m.algo}:${Buffer.from(m.digest).toString('hex')} ${path} ${sig.toString('hex')}`;
}

export interface JsonLogRecord {
  time: string;
  path: string;
  access?: string;
  algo: string | null;
  digest: string | null;
  verdict: string;
  reason: string;
  allowed: boolean;
  appraised: boolean;
  mode: string;
  decision: string;
  keyid?: string;
}

export function jsonLogRecord(p: { path: string; access?: string; algo?: string | null; digest?: Uint8Array | null; decision: Decision; time?: Date }): JsonLogRecord {
  const d = p.decision;
  return {
    time: (p.time ?? new Date()).toISOString(),
    path: p.path,
    ...(p.access ? { access: p.access } : {}),
    algo: p.algo ?? d.verdict.algo ?? null,
    digest: p.digest ? Buffer.from(p.digest).toString('hex') : null,
    verdict: d.verdict.code,
    reason: d.verdict.reason,
    allowed: d.allowed,
    appraised: d.appraised,
    mode: d.mode,
    decision: d.reason,
    ...(d.verdict.keyid ? { keyid: d.verdict.keyid } : {}),
  };
}
