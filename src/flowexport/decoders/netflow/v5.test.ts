import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthBook, type ExportedFlow } from '../../model.js';
import { createNetflowDecoder } from './index.js';
import { v5Packet, type V5Flow } from '../../../testing/flowexport-builders.js';

const flow = (i: number, extra: Partial<V5Flow> = {}): V5Flow => ({
  src: `10.0.0.${i}`, dst: '192.168.1.1', srcPort: 40000 + i, dstPort: 443, proto: 6, packets: 10 + i, bytes: 1000 + i, first: 90_000, last: 99_000, tcpFlags: 0x1b, ...extra,
});

function run(datagrams: Buffer[], exporter = '192.0.2.1') {
  const book = new HealthBook();
  const dec = createNetflowDecoder(book);
  const flows: ExportedFlow[] = [];
  for (const d of datagrams) dec.decode(d, exporter, 1_700_000_000_500, (f) => flows.push(f));
  return { flows, health: book.all() };
}

test('v5: every field of a record; times from sysUptime and the header clock, UTC ms', () => {
  const { flows, health } = run([v5Packet({ sysUptime: 100_000, unixSecs: 1_700_000_000, unixNsecs: 250_000_000, engineType: 1, engineId: 2, flows: [flow(1, { input: 3, output: 65535 })] })]);
  assert.deepEqual(flows, [{
    src: '10.0.0.1', dst: '192.168.1.1', srcPort: 40001, dstPort: 443, proto: 6, ipVersion: 4, vlan: 0,
    bytes: 1001, packets: 11, reverseBytes: 0, reversePackets: 0, tcpFlags: 0x1b, reverseTcpFlags: 0,
    firstSeen: 1_700_000_000_250 - 10_000, lastSeen: 1_700_000_000_250 - 1000, samplingRate: 1, initiator: null,
    exporter: '192.0.2.1', domain: 0x0102, inIf: 3, outIf: 65535,
  }]);
  assert.equal(health.length, 1);
  assert.equal(health[0].protocol, 'netflow-v5');
  assert.equal(health[0].datagrams, 1);
  assert.equal(health[0].records, 1);
  assert.equal(health[0].lastSeen, 1_700_000_000_500);
});

test('v5: sysUptime wrapped past 2^32 since the flow started', () => {
  const { flows } = run([v5Packet({ sysUptime: 5_000, unixSecs: 1_700_000_000, flows: [flow(1, { first: 0xffffffff - 4_999, last: 4_000 })] })]);
  assert.equal(flows[0].firstSeen, 1_700_000_000_000 - 10_000);
  assert.equal(flows[0].lastSeen, 1_700_000_000_000 - 1_000);
});

test('v5: sampling interval from the header (mode bits, interval only, none)', () => {
  assert.equal(run([v5Packet({ sampling: (1 << 14) | 100, flows: [flow(1)] })]).flows[0].samplingRate, 100);
  assert.equal(run([v5Packet({ sampling: 512, flows: [flow(1)] })]).flows[0].samplingRate, 512);
  assert.equal(run([v5Packet({ sampling: 0, flows: [flow(1)] })]).flows[0].samplingRate, 1);
  const h = run([v5Packet({ sampling: 1 << 14, flows: [flow(1)] })]);
  assert.equal(h.flows[0].samplingRate, 0); // sampled, interval not given
  assert.equal(run([v5Packet({ sampling: (2 << 14) | 64, flows: [flow(1)] })]).health[0].samplingRate, 64);
});

test('v5: TCP flags only for TCP', () => {
  assert.equal(run([v5Packet({ flows: [flow(1, { proto: 17 })] })]).flows[0].tcpFlags, 0);
});

test('v5: the sequence counts flows; lost datagrams, reordering and restarts', () => {
  const fl = (n: number) => Array.from({ length: n }, (_, i) => flow(i + 1));
  // 30 flows per datagram: seq 0, 30, [60 lost], 90 -> one datagram lost.
  let r = run([v5Packet({ seq: 0, flows: fl(30) }), v5Packet({ seq: 30, flows: fl(30) }), v5Packet({ seq: 90, flows: fl(30) })]);
  assert.equal(r.health[0].sequenceGaps, 1);
  assert.equal(r.health[0].records, 90);
  // The late datagram arrives after all: nothing lost.
  r = run([v5Packet({ seq: 0, flows: fl(30) }), v5Packet({ seq: 60, flows: fl(30) }), v5Packet({ seq: 30, flows: fl(30) }), v5Packet({ seq: 90, flows: fl(30) })]);
  assert.equal(r.health[0].sequenceGaps, 0);
  // Exporter restart (sequence back to 0) is not loss; nor is the 32-bit wrap.
  r = run([v5Packet({ seq: 5_000_000, flows: fl(10) }), v5Packet({ seq: 0, flows: fl(10) }), v5Packet({ seq: 10, flows: fl(10) })]);
  assert.equal(r.health[0].sequenceGaps, 0);
  r = run([v5Packet({ seq: 0xfffffffb, flows: fl(10) }), v5Packet({ seq: 5, flows: fl(10) })]);
  assert.equal(r.health[0].sequenceGaps, 0);
  // Engines keep their own sequences.
  r = run([v5Packet({ seq: 0, engineId: 1, flows: fl(5) }), v5Packet({ seq: 0, engineId: 2, flows: fl(5) }), v5Packet({ seq: 5, engineId: 1, flows: fl(5) })]);
  assert.deepEqual(r.health.map((h) => h.sequenceGaps), [0, 0]);
});

test('v5: truncated datagrams and counts beyond the datagram are counted, the rest decoded', () => {
  const p = v5Packet({ flows: [flow(1), flow(2), flow(3)] });
  let r = run([p.subarray(0, 24 + 48 * 2 + 10)]);
  assert.equal(r.flows.length, 2);
  assert.deepEqual(r.health[0].errorReasons, { 'records beyond datagram': 1 });
  r = run([p.subarray(0, 20)]);
  assert.equal(r.flows.length, 0);
  assert.deepEqual(r.health[0].errorReasons, { 'truncated header': 1 });
  const big = Buffer.from(p);
  big.writeUInt16BE(1000, 2);
  r = run([big]);
  assert.equal(r.flows.length, 3);
  assert.equal(r.health[0].errors, 2);
});

test('dispatcher: unknown versions and empty datagrams are counted, not decoded', () => {
  const r = run([Buffer.from([0, 7, 1, 2, 3]), Buffer.alloc(0), Buffer.from([0])]);
  assert.equal(r.flows.length, 0);
  assert.deepEqual(r.health[0].errorReasons, { 'unknown NetFlow version 7': 1, 'truncated header': 2 });
  assert.equal(r.health[0].datagrams, 3);
});
