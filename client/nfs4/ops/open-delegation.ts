import type { XdrReader } from '../../xdr/xdr-reader.js';
import type { XdrWriter } from '../../xdr/xdr-writer.js';
import {
  NFS_LIMIT_BLOCKS, NFS_LIMIT_SIZE, OPEN_DELEGATE_NONE, OPEN_DELEGATE_NONE_EXT, OPEN_DELEGATE_READ,
  OPEN_DELEGATE_WRITE, WND4_CONTENTION, WND4_RESOURCE,
} from '../constants.js';
import { decodeNfsace4, encodeNfsace4, type Nfsace4 } from '../fattr-acl.js';
import { decodeStateid4, encodeStateid4, type Stateid4 } from '../types.js';
import { DELEGATION_TYPES } from './open-claim.js';

/**
 * RFC 8881 §18.16.1:
 *   enum limit_by4 { NFS_LIMIT_SIZE = 1, NFS_LIMIT_BLOCKS = 2 };
 *   struct nfs_modified_limit4 { uint32_t num_blocks; uint32_t bytes_per_block; };
 *   union nfs_space_limit4 switch (limit_by4 limitby) {
 *     case NFS_LIMIT_SIZE: uint64_t filesize;
 *     case NFS_LIMIT_BLOCKS: nfs_modified_limit4 mod_blocks; };
 *   struct open_read_delegation4 { stateid4 stateid; bool recall; nfsace4 permissions; };
 *   struct open_write_delegation4 { stateid4 stateid; bool recall;
 *     nfs_space_limit4 space_limit; nfsace4 permissions; };
 *   union open_none_delegation4 switch (why_no_delegation4 ond_why) {
 *     case WND4_CONTENTION: bool ond_server_will_push_deleg;
 *     case WND4_RESOURCE: bool ond_server_will_signal_avail;
 *     default: void; };
 *   union open_delegation4 switch (open_delegation_type4 delegation_type) {
 *     case OPEN_DELEGATE_NONE: void;
 *     case OPEN_DELEGATE_READ: open_read_delegation4 read;
 *     case OPEN_DELEGATE_WRITE: open_write_delegation4 write;
 *     case OPEN_DELEGATE_NONE_EXT: open_none_delegation4 od_whynone; };  (4.1 only)
 * why_no_delegation4 is decoded as a plain uint32: its default arm is void, so a
 * reason added later still decodes.
 */
export type NfsSpaceLimit4 =
  | { limitBy: typeof NFS_LIMIT_SIZE; filesize: bigint }
  | { limitBy: typeof NFS_LIMIT_BLOCKS; numBlocks: number; bytesPerBlock: number };

export type OpenDelegation4 =
  | { type: typeof OPEN_DELEGATE_NONE }
  | { type: typeof OPEN_DELEGATE_READ; stateid: Stateid4; recall: boolean; permissions: Nfsace4 }
  | { type: typeof OPEN_DELEGATE_WRITE; stateid: Stateid4; recall: boolean; spaceLimit: NfsSpaceLimit4; permissions: Nfsace4 }
  | { type: typeof OPEN_DELEGATE_NONE_EXT; why: number; serverWillPushDeleg?: boolean; serverWillSignalAvail?: boolean };

const LIMITS = new Set([NFS_LIMIT_SIZE, NFS_LIMIT_BLOCKS]);

export function encodeOpenDelegation4(w: XdrWriter, d: OpenDelegation4): void {
  w.int32(d.type);
  switch (d.type) {
    case OPEN_DELEGATE_READ:
      encodeStateid4(w, d.stateid);
      w.bool(d.recall);
      encodeNfsace4(w, d.permissions);
      break;
    case OPEN_DELEGATE_WRITE:
      encodeStateid4(w, d.stateid);
      w.bool(d.recall);
      w.int32(d.spaceLimit.limitBy);
      if (d.spaceLimit.limitBy === NFS_LIMIT_SIZE) w.uint64(d.spaceLimit.filesize);
      else w.uint32(d.spaceLimit.numBlocks).uint32(d.spaceLimit.bytesPerBlock);
      encodeNfsace4(w, d.permissions);
      break;
    case OPEN_DELEGATE_NONE_EXT:
      w.uint32(d.why);
      if (d.why === WND4_CONTENTION) w.bool(d.serverWillPushDeleg ?? false);
      else if (d.why === WND4_RESOURCE) w.bool(d.serverWillSignalAvail ?? false);
      break;
    default:
      break;
  }
}

export function decodeOpenDelegation4(r: XdrReader): OpenDelegation4 {
  const type = r.enumOf<OpenDelegation4['type']>(DELEGATION_TYPES, 'open_delegation_type4');
  switch (type) {
    case OPEN_DELEGATE_READ:
      return { type, stateid: decodeStateid4(r), recall: r.bool(), permissions: decodeNfsace4(r) };
    case OPEN_DELEGATE_WRITE: {
      const stateid = decodeStateid4(r);
      const recall = r.bool();
      const limitBy = r.enumOf<1 | 2>(LIMITS, 'limit_by4');
      const spaceLimit: NfsSpaceLimit4 = limitBy === NFS_LIMIT_SIZE
        ? { limitBy, filesize: r.uint64() }
        : { limitBy, numBlocks: r.uint32(), bytesPerBlock: r.uint32() };
      return { type, stateid, recall, spaceLimit, permissions: decodeNfsace4(r) };
    }
    case OPEN_DELEGATE_NONE_EXT: {
      const why = r.uint32();
      if (why === WND4_CONTENTION) return { type, why, serverWillPushDeleg: r.bool() };
      if (why === WND4_RESOURCE) return { type, why, serverWillSignalAvail: r.bool() };
      return { type, why };
    }
    default:
      return { type };
  }
}
