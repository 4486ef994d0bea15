/**
 * Writes RPC-over-TCP records into a classic pcap (LINKTYPE_RAW IPv4) so that an
 * independent dissector (tshark) can check imafs's encodings offline. Each record
 * is one segment with record marking; sequence numbers are kept consistent so
 * TCP analysis sees a clean stream. Checksums are left zero (tshark does not
 * verify them by default).
 */
export interface Segment {
  fromClient: boolean;
  payload: Buffer;
}

const CLIENT_PORT = 871;
const SERVER_PORT = 2049;

export function rpcCall(xid: number, body: Buffer): Buffer {
  const h = Buffer.alloc(40);
  [xid, 0, 2, 100003, 4, 1, 0, 0, 0, 0].forEach((v, i) => h.writeUInt32BE(v >>> 0, i * 4));
  return mark(Buffer.concat([h, body]));
}

export function rpcReply(xid: number, body: Buffer): Buffer {
  const h = Buffer.alloc(24);
  [xid, 1, 0, 0, 0, 0].forEach((v, i) => h.writeUInt32BE(v >>> 0, i * 4));
  return mark(Buffer.concat([h, body]));
}

function mark(rec: Buffer): Buffer {
  const m = Buffer.alloc(4);
  m.writeUInt32BE((0x80000000 | rec.length) >>> 0);
  return Buffer.concat([m, rec]);
}

export function pcap(segments: Segment[]): Buffer {
  const out: Buffer[] = [];
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(262144, 16);
  g.writeUInt32LE(101, 20); // LINKTYPE_RAW
  out.push(g);
  let cseq = 1000;
  let sseq = 5000;
  segments.forEach((s, i) => {
    const ip = Buffer.alloc(20);
    const tcp = Buffer.alloc(20);
    const total = 40 + s.payload.length;
    if (total > 65535) throw new Error('segment too large for one IPv4 packet');
    ip.writeUInt8(0x45, 0);
    ip.writeUInt16BE(total, 2);
    ip.writeUInt16BE(i & 0xffff, 4);
    ip.writeUInt8(64, 8);
    ip.writeUInt8(6, 9);
    ip.writeUInt32BE(0x7f000001, 12);
    ip.writeUInt32BE(0x7f000001, 16);
    tcp.writeUInt16BE(s.fromClient ? CLIENT_PORT : SERVER_PORT, 0);
    tcp.writeUInt16BE(s.fromClient ? SERVER_PORT : CLIENT_PORT, 2);
    tcp.writeUInt32BE(s.fromClient ? cseq : sseq, 4);
    tcp.writeUInt32BE(s.fromClient ? sseq : cseq + 0, 8);
    tcp.writeUInt8(0x50, 12);
    tcp.writeUInt8(0x18, 13); // PSH|ACK
    tcp.writeUInt16BE(65535, 14);
    if (s.fromClient) cseq += s.payload.length;
    else sseq += s.payload.length;
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1700000000 + i, 0);
    rec.writeUInt32LE(total, 8);
    rec.writeUInt32LE(total, 12);
    out.push(rec, ip, tcp, s.payload);
  });
  return Buffer.concat(out);
}
