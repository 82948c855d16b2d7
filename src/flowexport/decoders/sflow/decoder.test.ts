import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthBook, type ExportedFlow } from '../../model.js';
import { createSflowDecoder } from './index.js';
import {
  ip4, ip6, sflowCounterSample, sflowDatagram, sflowFlowSample, sflowRawHeader, sflowRecord, u32,
} from '../../../testing/flowexport-builders.js';
import { ether, ipv4, ipv6, tcp, udp } from '../../../testing/frames.js';

const AT = 1_700_000_000_123;

function run(datagrams: Buffer[], from = '198.51.100.1') {
  const book = new HealthBook();
  const dec = createSflowDecoder(book);
  const flows: ExportedFlow[] = [];
  for (const d of datagrams) dec.decode(d, from, AT, (f) => flows.push(f));
  return { flows, health: book.all(), book };
}

const frame = ether(0x0800, ipv4({ proto: 6, src: '10.1.1.1', dst: '10.2.2.2', payload: tcp(40000, 443, 0x18, Buffer.alloc(1400)) }), [{ tpid: 0x8100, vid: 42 }]);

test('flow sample with a raw Ethernet header: the packet decoder reads it; IP length, not frame length', () => {
  const hdr = frame.subarray(0, 128);
  const { flows, health } = run([sflowDatagram({ agent: '192.0.2.10', subAgent: 3, samples: [sflowFlowSample({ rate: 512, records: [sflowRawHeader(hdr, { frameLength: frame.length + 4, stripped: 4 })] })] })]);
  assert.deepEqual(flows, [{
    src: '10.1.1.1', dst: '10.2.2.2', srcPort: 40000, dstPort: 443, proto: 6, ipVersion: 4, vlan: 42, bytes: 20 + 20 + 1400, packets: 1,
    reverseBytes: 0, reversePackets: 0, tcpFlags: 0x18, reverseTcpFlags: 0, firstSeen: AT, lastSeen: AT, samplingRate: 512, initiator: null,
    exporter: '192.0.2.10', domain: 3, inIf: 1, outIf: 2,
  }]);
  assert.deepEqual([health[0].exporter, health[0].domain, health[0].protocol, health[0].records, health[0].samplingRate, health[0].errors], ['192.0.2.10', 3, 'sflow', 1, 512, 0]);
});

test('expanded flow sample, IPv6 agent, IPv6 packet; extended switch VLAN when the header has no tag', () => {
  const f6 = ether(0x86dd, ipv6({ nh: 17, src: '2001:db8::1', dst: '2001:db8::2', payload: udp(5353, 53, Buffer.alloc(100)) }));
  const sw = sflowRecord(1001, Buffer.concat([u32(77), u32(0), u32(78), u32(0)]));
  const { flows } = run([sflowDatagram({ agent: '2001:db8::a', samples: [sflowFlowSample({ expanded: true, rate: 4096, records: [sflowRawHeader(f6), sw] })] })]);
  assert.deepEqual([flows[0].src, flows[0].dst, flows[0].proto, flows[0].ipVersion, flows[0].bytes, flows[0].vlan, flows[0].samplingRate, flows[0].exporter],
    ['2001:db8::1', '2001:db8::2', 17, 6, 40 + 8 + 100, 77, 4096, '2001:db8::a']);
});

test('sampled IPv4 / IPv6 records when there is no raw header', () => {
  const r4 = sflowRecord(3, Buffer.concat([u32(1500), u32(6), ip4('10.0.0.1'), ip4('10.0.0.2'), u32(1234), u32(80), u32(0x12), u32(0)]));
  const r6 = sflowRecord(4, Buffer.concat([u32(900), u32(17), ip6('2001:db8::1'), ip6('2001:db8::2'), u32(53), u32(5353), u32(0), u32(0)]));
  const { flows } = run([sflowDatagram({ agent: '192.0.2.10', samples: [sflowFlowSample({ rate: 10, records: [r4] }), sflowFlowSample({ rate: 20, records: [r6] })] })]);
  assert.deepEqual(flows.map((f) => [f.src, f.dst, f.srcPort, f.dstPort, f.proto, f.bytes, f.tcpFlags, f.samplingRate]), [
    ['10.0.0.1', '10.0.0.2', 1234, 80, 6, 1500, 0x12, 10],
    ['2001:db8::1', '2001:db8::2', 53, 5353, 17, 900, 0, 20],
  ]);
});

test('a header of an unsupported protocol is counted, or the sampled IP record used instead', () => {
  const r4 = sflowRecord(3, Buffer.concat([u32(60), u32(17), ip4('10.0.0.1'), ip4('10.0.0.2'), u32(1), u32(2), u32(0), u32(0)]));
  const odd = sflowRawHeader(frame, { protocol: 3 }); // ISO 8802-4 token bus
  const { flows, health } = run([sflowDatagram({ agent: '192.0.2.10', samples: [sflowFlowSample({ rate: 1, records: [odd] }), sflowFlowSample({ rate: 1, records: [odd, r4] })] })]);
  assert.deepEqual(flows.map((f) => f.bytes), [60]);
  assert.deepEqual(health[0].errorReasons, { 'sampled header: unsupported header protocol 3': 1 });
});

test('counter samples and other enterprises are skipped; non-IP samples are not flows', () => {
  const arp = ether(0x0806, Buffer.alloc(28));
  const other = Buffer.concat([u32((9 << 12) | 1), u32(8), Buffer.alloc(8)]);
  const { flows, health } = run([sflowDatagram({ agent: '192.0.2.10', samples: [sflowCounterSample(), other, sflowFlowSample({ rate: 1, records: [sflowRawHeader(arp)] }), sflowFlowSample({ rate: 2, records: [sflowRawHeader(frame)] })] })]);
  assert.equal(flows.length, 1);
  assert.equal(health[0].errors, 0);
});

test('sequence gaps per agent and sub-agent; reordering tolerated', () => {
  const dg = (seq: number, sub = 0) => sflowDatagram({ agent: '192.0.2.10', subAgent: sub, seq, samples: [] });
  const { book } = run([dg(1), dg(2), dg(5), dg(4), dg(1, 1), dg(2, 1)]);
  assert.equal(book.get('192.0.2.10', 0, 'sflow').sequenceGaps, 1);
  assert.equal(book.get('192.0.2.10', 1, 'sflow').sequenceGaps, 0);
});

test('hostile: truncations, lengths beyond, unknown versions and address types are counted', () => {
  const good = sflowDatagram({ agent: '192.0.2.10', samples: [sflowFlowSample({ rate: 2, records: [sflowRawHeader(frame.subarray(0, 60))] })] });
  for (let n = 0; n < good.length; n++) run([good.subarray(0, n)]); // never throws
  const r = run([good.subarray(0, good.length - 4), good.subarray(0, 20), Buffer.concat([u32(4), good.subarray(4)]), Buffer.concat([good.subarray(0, 4), u32(9), good.subarray(8)])]);
  assert.equal(r.flows.length, 0);
  const reasons = Object.assign({}, ...r.health.map((h) => h.errorReasons));
  assert.deepEqual(Object.keys(reasons).sort(), ['sample beyond datagram', 'truncated header', 'unknown agent address type', 'unknown sFlow version 4']);
  // A header length beyond its record.
  const bad = Buffer.from(good);
  const hl = bad.length - 60 - 4;
  bad.writeUInt32BE(1000, hl);
  assert.deepEqual(run([bad]).health[0].errorReasons, { 'header length beyond record': 1 });
});

test('a sampled later fragment is a flow at once (ports 0), not held for a first fragment that was not sampled', () => {
  const later = ether(0x0800, ipv4({ proto: 17, src: '10.5.5.5', dst: '10.6.6.6', fragOffset: 185, id: 77, payload: Buffer.alloc(500) }));
  const { flows, health } = run([sflowDatagram({ agent: '192.0.2.10', samples: [sflowFlowSample({ rate: 100, records: [sflowRawHeader(later.subarray(0, 64), { frameLength: later.length + 4 })] })] })]);
  assert.deepEqual(flows.map((f) => [f.src, f.dst, f.proto, f.srcPort, f.dstPort, f.bytes, f.firstSeen]), [['10.5.5.5', '10.6.6.6', 17, 0, 0, 520, AT]]);
  assert.equal(health[0].errors, 0);
});

test('agents invented by one source are bounded: health stays finite', () => {
  const dgs = Array.from({ length: 1100 }, (_, i) => sflowDatagram({ agent: `10.${i >> 8}.${i & 255}.1`, samples: [] }));
  const { health } = run(dgs);
  assert.equal(health.length, 1024 + 1);
  const src = health.find((h) => h.exporter === '198.51.100.1')!;
  assert.deepEqual(src.errorReasons, { 'too many agents / sub-agents from one source': 1100 - 1024 });
});

test('input and output interfaces: compact (format bits) and expanded samples; discards and multiple outputs read 0', () => {
  const r4 = sflowRecord(3, Buffer.concat([u32(60), u32(17), ip4('10.0.0.1'), ip4('10.0.0.2'), u32(1), u32(2), u32(0), u32(0)]));
  const { flows } = run([sflowDatagram({ agent: '192.0.2.10', samples: [
    sflowFlowSample({ rate: 1, records: [r4], input: 7, output: 0x3fff_fffe }),
    sflowFlowSample({ rate: 1, records: [r4], input: 7, output: (1 << 30) | 258 }), // dropped, reason 258
    sflowFlowSample({ rate: 1, records: [r4], input: 7, output: (2 << 30) | 3 }), // to 3 interfaces
    sflowFlowSample({ rate: 1, records: [r4], input: 100_000, output: 4_000_000_000, expanded: true }),
  ] })]);
  assert.deepEqual(flows.map((f) => [f.inIf, f.outIf]), [[7, 0x3fff_fffe], [7, 0], [7, 0], [100_000, 4_000_000_000]]);
});
