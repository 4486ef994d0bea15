import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XdrReader } from '../../../client/xdr/xdr-reader.js';
import { decodeCompound4Args } from '../../../client/nfs4/compound.js';
import { OP } from '../../../client/nfs4/constants.js';
import { callSeeds, replySeeds } from './fuzz-corpus.js';
import { pcap, rpcCall, rpcReply, type Segment } from './pcap.js';

/**
 * An independent check of the encoders: every COMPOUND call and reply of the fuzz
 * corpus (all op codecs, all union arms) goes into a pcap that tshark dissects.
 * No frame may be malformed or carry an error-severity expert item, and the
 * opcodes tshark finds must be exactly the ones encoded. (Wireshark does not know
 * attribute 93, FATTR4_IMA, and says so as a warning, which is expected.)
 */
function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const ERROR_SEVERITY = 0x800000; // PI_ERROR in epan/proto.h

test('tshark dissects every encoded COMPOUND call and reply without error', { skip: !hasTshark() && 'tshark not installed', timeout: 60_000 }, (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'imafs-nfs4-pcap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const calls = callSeeds();
  const replies = replySeeds().filter((r) => !r.wiresharkMisreads);
  const segs: Segment[] = [];
  const expected: number[][] = [];
  calls.forEach((c, i) => {
    segs.push({ fromClient: true, payload: rpcCall(100 + i, c.bytes) });
    const ops = decodeCompound4Args(new XdrReader(c.bytes)).argarray;
    // EXCHANGE_ID's SP4_MACH_CRED bitmaps list opcodes, which tshark reports in the same field
    const masks = ops.flatMap((o) => (o.op === OP.EXCHANGE_ID ? ((o.args as { stateProtect: { machOps?: { mustEnforce: number[]; mustAllow: number[] } } }).stateProtect.machOps ?? { mustEnforce: [], mustAllow: [] }) : { mustEnforce: [], mustAllow: [] }))
      .flatMap((m) => [...m.mustEnforce, ...m.mustAllow]);
    expected.push([...ops.map((o) => o.op), ...masks]);
  });
  replies.forEach((r, i) => {
    segs.push({ fromClient: true, payload: rpcCall(200 + i, calls[2].bytes) });
    expected.push(expected[2]);
    segs.push({ fromClient: false, payload: rpcReply(200 + i, r.bytes) });
    expected.push(r.resops);
  });
  const file = path.join(dir, 'nfs4.pcap');
  writeFileSync(file, pcap(segs));
  const out = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'separator=|',
    '-e', 'frame.number', '-e', 'rpc.xid', '-e', 'nfs.opcode', '-e', '_ws.malformed', '-e', '_ws.expert.severity', '-e', '_ws.expert.message'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const rows = out.trim().split('\n').map((l) => l.split('|'));
  assert.equal(rows.length, segs.length, out);
  rows.forEach(([frame, xid, opcodes, malformed, severities, messages], i) => {
    const where = `frame ${frame} (xid ${xid}): ${messages}`;
    assert.equal(malformed, '', `malformed: ${where}`);
    for (const s of severities.split(',').filter(Boolean)) assert.ok(Number(s) < ERROR_SEVERITY, `expert error: ${where}`);
    assert.deepEqual(opcodes.split(',').filter(Boolean).map(Number), expected[i], `opcodes of ${where}`);
  });
  // and a few values read back by the dissector: the GETATTR reply of the corpus
  const vals = execFileSync('tshark', ['-n', '-r', file, '-Y', 'nfs.fattr4.fileid', '-T', 'fields', '-E', 'separator=|',
    '-e', 'nfs.fattr4.size', '-e', 'nfs.fattr4.fileid', '-e', 'nfs.fattr4_owner', '-e', 'nfs.mode'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.ok(vals.split('\n').includes('5|7|root|420'), vals);
});
