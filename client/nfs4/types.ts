import type { XdrReader } from '../xdr/xdr-reader.js';
import type { XdrWriter } from '../xdr/xdr-writer.js';
import { XdrError } from '../errors.js';
import {
  NFS4_FHSIZE, NFS4_OPAQUE_LIMIT, NFS4_OTHER_SIZE, NFS4_SESSIONID_SIZE, NFS4_VERIFIER_SIZE,
  SET_TO_CLIENT_TIME4, SET_TO_SERVER_TIME4,
} from './constants.js';

/**
 * Shared NFSv4 XDR types (RFC 8881 §3.2-§3.3). Byte fields decode as views into the
 * reply buffer (XdrReader never copies); keep a copy if you keep them past the reply.
 *
 * The protocol leaves utf8str_* unbounded; these bounds are imafs's, chosen so a
 * hostile peer cannot make us allocate much while any real name still fits
 * (a server answers NFS4ERR_NAMETOOLONG itself for a name over its maxname).
 */
export const MAX_COMPONENT = 4096;
export const MAX_UTF8STR = 4096;
export const MAX_LINKTEXT = 65536;

/** RFC 8881 §3.3.12: struct stateid4 { uint32_t seqid; opaque other[NFS4_OTHER_SIZE]; }; */
export interface Stateid4 {
  seqid: number;
  other: Buffer;
}
export function encodeStateid4(w: XdrWriter, s: Stateid4): void {
  w.uint32(s.seqid).opaqueFixed(s.other, NFS4_OTHER_SIZE, 'stateid4.other');
}
export function decodeStateid4(r: XdrReader): Stateid4 {
  return { seqid: r.uint32(), other: r.opaqueFixed(NFS4_OTHER_SIZE, 'stateid4.other') };
}

/** RFC 8881 §3.3.1: struct nfstime4 { int64_t seconds; uint32_t nseconds; }; */
export interface Nfstime4 {
  seconds: bigint;
  nseconds: number;
}
export function encodeNfstime4(w: XdrWriter, t: Nfstime4): void {
  if (t.nseconds > 999_999_999) {
    throw new XdrError('IMAFS_XDR_BAD_VALUE', `nfstime4: nseconds ${t.nseconds} >= 1e9`, w.length);
  }
  w.int64(t.seconds).uint32(t.nseconds);
}
/** RFC 8881 §3.3.1: "nseconds ... MUST be less than 1000000000"; larger is malformed. */
export function decodeNfstime4(r: XdrReader): Nfstime4 {
  const seconds = r.int64();
  const at = r.offset;
  const nseconds = r.uint32();
  if (nseconds > 999_999_999) throw new XdrError('IMAFS_XDR_BAD_VALUE', `nfstime4: nseconds ${nseconds} >= 1e9`, at);
  return { seconds, nseconds };
}
/** nfstime4 as a JS Date (millisecond precision). */
export function nfstimeToDate(t: Nfstime4): Date {
  return new Date(Number(t.seconds) * 1000 + Math.floor(t.nseconds / 1e6));
}

/**
 * RFC 8881 §3.3.7:
 *   enum time_how4 { SET_TO_SERVER_TIME4 = 0, SET_TO_CLIENT_TIME4 = 1 };
 *   union settime4 switch (time_how4 set_it) {
 *     case SET_TO_CLIENT_TIME4: nfstime4 time;
 *     default: void; };
 * `undefined` time means SET_TO_SERVER_TIME4.
 */
export type Settime4 = { how: 'server' } | { how: 'client'; time: Nfstime4 };
export function encodeSettime4(w: XdrWriter, s: Settime4): void {
  if (s.how === 'client') {
    w.int32(SET_TO_CLIENT_TIME4);
    encodeNfstime4(w, s.time);
  } else {
    w.int32(SET_TO_SERVER_TIME4);
  }
}
const TIME_HOW = new Set([SET_TO_SERVER_TIME4, SET_TO_CLIENT_TIME4]);
export function decodeSettime4(r: XdrReader): Settime4 {
  const how = r.enumOf(TIME_HOW, 'time_how4');
  return how === SET_TO_CLIENT_TIME4 ? { how: 'client', time: decodeNfstime4(r) } : { how: 'server' };
}

/** RFC 8881 §3.3.9: struct fsid4 { uint64_t major; uint64_t minor; }; */
export interface Fsid4 {
  major: bigint;
  minor: bigint;
}
export function encodeFsid4(w: XdrWriter, f: Fsid4): void {
  w.uint64(f.major).uint64(f.minor);
}
export function decodeFsid4(r: XdrReader): Fsid4 {
  return { major: r.uint64(), minor: r.uint64() };
}

/** RFC 8881 §3.3.4: struct specdata4 { uint32_t specdata1; uint32_t specdata2; }; */
export interface Specdata4 {
  specdata1: number;
  specdata2: number;
}
export function encodeSpecdata4(w: XdrWriter, s: Specdata4): void {
  w.uint32(s.specdata1).uint32(s.specdata2);
}
export function decodeSpecdata4(r: XdrReader): Specdata4 {
  return { specdata1: r.uint32(), specdata2: r.uint32() };
}

/** RFC 8881 §3.3.6: struct change_info4 { bool atomic; changeid4 before; changeid4 after; }; */
export interface ChangeInfo4 {
  atomic: boolean;
  before: bigint;
  after: bigint;
}
export function encodeChangeInfo4(w: XdrWriter, c: ChangeInfo4): void {
  w.bool(c.atomic).uint64(c.before).uint64(c.after);
}
export function decodeChangeInfo4(r: XdrReader): ChangeInfo4 {
  return { atomic: r.bool(), before: r.uint64(), after: r.uint64() };
}

/** RFC 8881 §3.2: typedef opaque nfs_fh4<NFS4_FHSIZE>;  (NFS4_FHSIZE = 128) */
export function encodeNfsFh4(w: XdrWriter, fh: Uint8Array): void {
  w.opaqueVar(fh, NFS4_FHSIZE, 'nfs_fh4');
}
export function decodeNfsFh4(r: XdrReader): Buffer {
  return r.opaqueVar(NFS4_FHSIZE, 'nfs_fh4');
}

/** RFC 8881 §3.2: typedef utf8str_cs component4; (bounded here by MAX_COMPONENT) */
export function encodeComponent4(w: XdrWriter, name: string): void {
  w.string(name, MAX_COMPONENT, 'component4');
}
export function decodeComponent4(r: XdrReader): string {
  return r.string(MAX_COMPONENT, 'component4');
}

/** RFC 8881 §3.2: utf8str_cs / utf8str_cis / utf8str_mixed: opaque UTF-8 strings. */
export function encodeUtf8str(w: XdrWriter, s: string, what = 'utf8str'): void {
  w.string(s, MAX_UTF8STR, what);
}
export function decodeUtf8str(r: XdrReader, what = 'utf8str'): string {
  return r.string(MAX_UTF8STR, what);
}

/** RFC 8881 §3.2: typedef opaque verifier4[NFS4_VERIFIER_SIZE]; (8 bytes) */
export function encodeVerifier4(w: XdrWriter, v: Uint8Array): void {
  w.opaqueFixed(v, NFS4_VERIFIER_SIZE, 'verifier4');
}
export function decodeVerifier4(r: XdrReader): Buffer {
  return r.opaqueFixed(NFS4_VERIFIER_SIZE, 'verifier4');
}

/** RFC 8881 §18.35.1: typedef opaque sessionid4[NFS4_SESSIONID_SIZE]; (16 bytes) */
export function encodeSessionid4(w: XdrWriter, s: Uint8Array): void {
  w.opaqueFixed(s, NFS4_SESSIONID_SIZE, 'sessionid4');
}
export function decodeSessionid4(r: XdrReader): Buffer {
  return r.opaqueFixed(NFS4_SESSIONID_SIZE, 'sessionid4');
}

/**
 * RFC 8881 §3.3.10 (4.1 client_owner4) and RFC 7530 nfs_client_id4 share a layout:
 *   struct client_owner4 { verifier4 co_verifier; opaque co_ownerid<NFS4_OPAQUE_LIMIT>; };
 */
export interface ClientOwner4 {
  verifier: Buffer;
  ownerid: Buffer;
}
export function encodeClientOwner4(w: XdrWriter, c: ClientOwner4): void {
  encodeVerifier4(w, c.verifier);
  w.opaqueVar(c.ownerid, NFS4_OPAQUE_LIMIT, 'co_ownerid');
}
export function decodeClientOwner4(r: XdrReader): ClientOwner4 {
  return { verifier: decodeVerifier4(r), ownerid: r.opaqueVar(NFS4_OPAQUE_LIMIT, 'co_ownerid') };
}

/**
 * RFC 8881 §3.3.11: struct state_owner4 { clientid4 clientid; opaque owner<NFS4_OPAQUE_LIMIT>; };
 * typedef state_owner4 open_owner4;
 */
export interface StateOwner4 {
  clientid: bigint;
  owner: Buffer;
}
export function encodeStateOwner4(w: XdrWriter, o: StateOwner4): void {
  w.uint64(o.clientid).opaqueVar(o.owner, NFS4_OPAQUE_LIMIT, 'state_owner4.owner');
}
export function decodeStateOwner4(r: XdrReader): StateOwner4 {
  return { clientid: r.uint64(), owner: r.opaqueVar(NFS4_OPAQUE_LIMIT, 'state_owner4.owner') };
}

/** RFC 8881 §18.35.1: struct server_owner4 { uint64_t so_minor_id; opaque so_major_id<NFS4_OPAQUE_LIMIT>; }; */
export interface ServerOwner4 {
  minorId: bigint;
  majorId: Buffer;
}
export function encodeServerOwner4(w: XdrWriter, s: ServerOwner4): void {
  w.uint64(s.minorId).opaqueVar(s.majorId, NFS4_OPAQUE_LIMIT, 'so_major_id');
}
export function decodeServerOwner4(r: XdrReader): ServerOwner4 {
  return { minorId: r.uint64(), majorId: r.opaqueVar(NFS4_OPAQUE_LIMIT, 'so_major_id') };
}

/**
 * RFC 8881 §3.3.21:
 *   struct nfs_impl_id4 { utf8str_cis nii_domain; utf8str_cs nii_name; nfstime4 nii_date; };
 * used as `nfs_impl_id4 x<1>`: an array of at most one.
 */
export interface NfsImplId4 {
  domain: string;
  name: string;
  date: Nfstime4;
}
export function encodeNfsImplId4(w: XdrWriter, i: NfsImplId4): void {
  encodeUtf8str(w, i.domain, 'nii_domain');
  encodeUtf8str(w, i.name, 'nii_name');
  encodeNfstime4(w, i.date);
}
export function decodeNfsImplId4(r: XdrReader): NfsImplId4 {
  return { domain: decodeUtf8str(r, 'nii_domain'), name: decodeUtf8str(r, 'nii_name'), date: decodeNfstime4(r) };
}
export function encodeImplIdList(w: XdrWriter, id: NfsImplId4 | undefined): void {
  w.array(id === undefined ? [] : [id], 1, encodeNfsImplId4, 'nfs_impl_id4<1>');
}
export function decodeImplIdList(r: XdrReader): NfsImplId4 | undefined {
  return r.array(1, decodeNfsImplId4, 'nfs_impl_id4<1>')[0];
}

/**
 * RFC 8881 §18.36.1:
 *   struct channel_attrs4 {
 *     count4 ca_headerpadsize; count4 ca_maxrequestsize; count4 ca_maxresponsesize;
 *     count4 ca_maxresponsesize_cached; count4 ca_maxoperations; count4 ca_maxrequests;
 *     uint32_t ca_rdma_ird<1>; };
 */
export interface ChannelAttrs4 {
  headerPadSize: number;
  maxRequestSize: number;
  maxResponseSize: number;
  maxResponseSizeCached: number;
  maxOperations: number;
  maxRequests: number;
  rdmaIrd?: number;
}
export function encodeChannelAttrs4(w: XdrWriter, c: ChannelAttrs4): void {
  w.uint32(c.headerPadSize).uint32(c.maxRequestSize).uint32(c.maxResponseSize)
    .uint32(c.maxResponseSizeCached).uint32(c.maxOperations).uint32(c.maxRequests);
  w.array(c.rdmaIrd === undefined ? [] : [c.rdmaIrd], 1, (ww, v) => ww.uint32(v), 'ca_rdma_ird<1>');
}
export function decodeChannelAttrs4(r: XdrReader): ChannelAttrs4 {
  const c: ChannelAttrs4 = {
    headerPadSize: r.uint32(),
    maxRequestSize: r.uint32(),
    maxResponseSize: r.uint32(),
    maxResponseSizeCached: r.uint32(),
    maxOperations: r.uint32(),
    maxRequests: r.uint32(),
  };
  const ird = r.array(1, (rr) => rr.uint32(), 'ca_rdma_ird<1>');
  if (ird.length) c.rdmaIrd = ird[0];
  return c;
}

export * from './state-protect.js';
export * from './callback-sec-parms.js';
