import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthBook, type ExportedFlow } from '../../model.js';
import { createNetflowDecoder, type NetflowDecoderOptions } from './index.js';
import {
  dataSet, ip4, ip6, ipfixMessage, optionsTemplateSet, templateSet, u16, u32, u64, u8, uN, v9Packet, varField, type FieldSpec,
} from '../../../testing/flowexport-builders.js';

const T = 1_700_000_000; // export time, seconds
const BASIC: FieldSpec[] = [
  { id: 8, len: 4 }, { id: 12, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 }, { id: 1, len: 8 }, { id: 2, len: 8 },
];
const basic = (i: number, bytes = 1000 + i, packets = 10 + i) =>
  Buffer.concat([ip4(`10.0.0.${i}`), ip4('10.9.9.9'), u16(40000 + i), u16(80), u8(6), u64(bytes), u64(packets)]);

function decoder(opts?: NetflowDecoderOptions) {
  const book = new HealthBook();
  const dec = createNetflowDecoder(book, opts);
  const flows: ExportedFlow[] = [];
  const send = (d: Buffer, exporter = '192.0.2.1', at = T * 1000) => dec.decode(d, exporter, at, (f) => flows.push(f));
  return { book, dec, flows, send, health: () => book.all() };
}

test('IPFIX: template then data; record fields, reduced-size counters, set padding', () => {
  const d = decoder();
  const fields: FieldSpec[] = [{ id: 8, len: 4 }, { id: 12, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 }, { id: 6, len: 1 }, { id: 1, len: 3 }, { id: 2, len: 2 }, { id: 58, len: 2 }];
  d.send(ipfixMessage({ domain: 7, sets: [templateSet(true, [{ id: 300, fields }])] }));
  const rec = Buffer.concat([ip4('10.1.1.1'), ip4('10.2.2.2'), u16(1234), u16(53), u8(17), u8(0x12), uN(70_000, 3), u16(70), u16(42)]);
  d.send(ipfixMessage({ domain: 7, seq: 0, sets: [dataSet(300, [rec, rec], 3)] }));
  assert.equal(d.flows.length, 2);
  const f = d.flows[0];
  assert.deepEqual(
    [f.src, f.dst, f.srcPort, f.dstPort, f.proto, f.ipVersion, f.vlan, f.bytes, f.packets, f.tcpFlags, f.exporter, f.domain, f.firstSeen],
    ['10.1.1.1', '10.2.2.2', 1234, 53, 17, 4, 42, 70_000, 70, 0, '192.0.2.1', 7, T * 1000],
  );
  const h = d.health()[0];
  assert.equal(h.protocol, 'ipfix');
  assert.equal(h.errors, 0);
  assert.equal(h.records, 2);
});

test('IPFIX: variable-length fields (short and long form) and enterprise fields skipped by length', () => {
  const d = decoder();
  const fields: FieldSpec[] = [{ id: 8, len: 4 }, { id: 100, len: 0xffff, pen: 6876 }, { id: 12, len: 4 }, { id: 96, len: 0xffff }, { id: 5, len: 4, pen: 9 }, { id: 1, len: 4 }, { id: 2, len: 4 }];
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields }])] }));
  const rec = (n: number) => Buffer.concat([ip4('10.0.0.1'), varField(Buffer.alloc(n, 0x41)), ip4('10.0.0.2'), varField(Buffer.from('app'), true), u32(0xdeadbeef), u32(500 + n), u32(5)]);
  d.send(ipfixMessage({ sets: [dataSet(256, [rec(3), rec(300), rec(0)])] }));
  assert.deepEqual(d.flows.map((f) => [f.src, f.dst, f.bytes, f.packets]), [['10.0.0.1', '10.0.0.2', 503, 5], ['10.0.0.1', '10.0.0.2', 800, 5], ['10.0.0.1', '10.0.0.2', 500, 5]]);
  assert.equal(d.health()[0].errors, 0);
});

test('IPFIX: a variable-length counter left empty in a record does not inherit the record before it', () => {
  const d = decoder();
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: [{ id: 8, len: 4 }, { id: 12, len: 4 }, { id: 1, len: 0xffff }, { id: 2, len: 4 }] }])] }));
  const rec = (bytes: Buffer) => Buffer.concat([ip4('10.0.0.1'), ip4('10.0.0.2'), varField(bytes), u32(3)]);
  d.send(ipfixMessage({ sets: [dataSet(256, [rec(u32(700)), rec(Buffer.alloc(0)), rec(u16(9))])] }));
  assert.deepEqual(d.flows.map((f) => f.bytes), [700, 0, 9]);
});

test('IPv6 records, and templates with both families pick the one in use', () => {
  const d = decoder();
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: [{ id: 27, len: 16 }, { id: 28, len: 16 }, { id: 1, len: 4 }, { id: 2, len: 4 }] }])] }));
  d.send(ipfixMessage({ sets: [dataSet(256, [Buffer.concat([ip6('2001:db8::1'), ip6('2001:db8:0:0:1::2'), u32(100), u32(1)])])] }));
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 257, fields: [{ id: 8, len: 4 }, { id: 12, len: 4 }, { id: 27, len: 16 }, { id: 28, len: 16 }, { id: 60, len: 1 }] }])] }));
  d.send(ipfixMessage({ sets: [dataSet(257, [
    Buffer.concat([ip4('0.0.0.0'), ip4('0.0.0.0'), ip6('2001:db8::5'), ip6('2001:db8::6'), u8(6)]),
    Buffer.concat([ip4('10.0.0.5'), ip4('10.0.0.6'), ip6('::'), ip6('::'), u8(4)]),
  ])] }));
  assert.deepEqual(d.flows.map((f) => [f.ipVersion, f.src, f.dst]), [[6, '2001:db8::1', '2001:db8::1:0:0:2'], [6, '2001:db8::5', '2001:db8::6'], [4, '10.0.0.5', '10.0.0.6']]);
});

test('data before its template is held, then emitted when the template comes', () => {
  const d = decoder();
  d.send(ipfixMessage({ seq: 0, sets: [dataSet(400, [basic(1), basic(2)])] }));
  assert.equal(d.flows.length, 0);
  d.send(ipfixMessage({ seq: 2, sets: [templateSet(true, [{ id: 400, fields: BASIC }]), dataSet(400, [basic(3)])] }));
  assert.deepEqual(d.flows.map((f) => f.src), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  const h = d.health()[0];
  assert.equal(h.templateMisses, 0);
  assert.equal(h.records, 3);
  assert.equal(h.sequenceGaps, 0);
});

test('held data never matched is a template miss: at finish(), after the hold time, or beyond the bounds', () => {
  let d = decoder();
  d.send(ipfixMessage({ sets: [dataSet(400, [basic(1)]), dataSet(401, [basic(2)])] }));
  d.dec.finish();
  assert.equal(d.health()[0].templateMisses, 2);
  d = decoder({ limits: { holdMs: 60_000 } });
  d.send(ipfixMessage({ sets: [dataSet(400, [basic(1)])] }), '192.0.2.1', T * 1000);
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 999, fields: BASIC }])] }), '192.0.2.1', T * 1000 + 61_000);
  assert.equal(d.health()[0].templateMisses, 1);
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 400, fields: BASIC }])] }), '192.0.2.1', T * 1000 + 62_000);
  assert.equal(d.flows.length, 0);
  // Per-exporter bound: the oldest held sets go first.
  d = decoder({ limits: { heldBytesPerExporter: 29 * 6 } }); // six 29-byte records
  for (let i = 0; i < 10; i++) d.send(ipfixMessage({ sets: [dataSet(400, [basic(i)])] }));
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 400, fields: BASIC }])] }));
  assert.deepEqual(d.flows.map((f) => f.src), ['10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7', '10.0.0.8', '10.0.0.9']);
  assert.equal(d.health()[0].templateMisses, 4);
});

test('templates are kept per exporter, version and domain; same id elsewhere is another template', () => {
  const d = decoder();
  d.send(ipfixMessage({ domain: 1, sets: [templateSet(true, [{ id: 256, fields: BASIC }])] }));
  d.send(ipfixMessage({ domain: 2, sets: [templateSet(true, [{ id: 256, fields: [{ id: 12, len: 4 }, { id: 8, len: 4 }, { id: 1, len: 4 }, { id: 2, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 }, { id: 0, len: 7 }] }])] }));
  d.send(ipfixMessage({ domain: 1, sets: [dataSet(256, [basic(1)])] }));
  d.send(ipfixMessage({ domain: 2, sets: [dataSet(256, [basic(1)])] }));
  d.send(ipfixMessage({ domain: 1, sets: [dataSet(256, [basic(1)])] }), '192.0.2.2');
  assert.deepEqual(d.flows.map((f) => [f.domain, f.src, f.dst]), [[1, '10.0.0.1', '10.9.9.9'], [2, '10.9.9.9', '10.0.0.1']]);
  assert.equal(d.book.get('192.0.2.2', 1, 'ipfix').templateMisses, 0); // still held
  d.dec.finish();
  assert.equal(d.book.get('192.0.2.2', 1, 'ipfix').templateMisses, 1);
});

test('IPFIX template withdrawal (one, all) and redefinition', () => {
  const d = decoder();
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: BASIC }, { id: 257, fields: BASIC }])] }));
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: [] }]), dataSet(256, [basic(1)]), dataSet(257, [basic(2)])] }));
  assert.deepEqual(d.flows.map((f) => f.src), ['10.0.0.2']);
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 2, fields: [] }]), dataSet(257, [basic(3)])] }));
  assert.equal(d.flows.length, 1);
  // Redefined: the new layout applies.
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 258, fields: BASIC }])] }));
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 258, fields: [{ id: 12, len: 4 }, { id: 8, len: 4 }, ...BASIC.slice(2)] }]), dataSet(258, [basic(4)])] }));
  assert.deepEqual([d.flows[1].src, d.flows[1].dst], ['10.9.9.9', '10.0.0.4']);
  d.dec.finish();
  assert.equal(d.health()[0].templateMisses, 2); // the data for withdrawn 256 and 257
});

test('template expiry: data after the lifetime waits for a refresh', () => {
  const d = decoder({ limits: { templateTtlMs: 10_000 } });
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: BASIC }])] }), 'a', 0);
  d.send(ipfixMessage({ sets: [dataSet(256, [basic(1)])] }), 'a', 5_000);
  d.send(ipfixMessage({ sets: [dataSet(256, [basic(2)])] }), 'a', 20_000);
  assert.equal(d.flows.length, 1);
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: BASIC }])] }), 'a', 21_000);
  assert.deepEqual(d.flows.map((f) => f.src), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(d.health()[0].errorReasons, { 'template expired': 1 });
});

test('template floods stay bounded: oldest evicted per exporter and in total, counted', () => {
  const d = decoder({ limits: { templatesPerExporter: 8, templatesTotal: 12 } });
  const many = (from: number) => Array.from({ length: 10 }, (_, i) => ({ id: from + i, fields: BASIC }));
  d.send(ipfixMessage({ sets: [templateSet(true, many(256))] }), 'a');
  assert.equal(d.book.get('a', 0, 'ipfix').errorReasons['template cache full (oldest evicted)'], 2);
  d.send(ipfixMessage({ sets: [dataSet(256, [basic(1)]), dataSet(265, [basic(2)])] }), 'a');
  assert.deepEqual(d.flows.map((f) => f.src), ['10.0.0.2']);
  d.send(ipfixMessage({ sets: [templateSet(true, many(1000))] }), 'b');
  // 8 of b's + 8 of a's > 12: a's oldest go.
  assert.equal(d.book.get('a', 0, 'ipfix').errorReasons['template cache full (oldest evicted)'], 2 + 4);
  d.send(ipfixMessage({ sets: [dataSet(1009, [basic(3)])] }), 'b');
  assert.equal(d.flows.length, 2);
});

test('hostile templates: zero fields, zero-length records, field length 65535 in v9, ids below 256, beyond the set', () => {
  const d = decoder();
  d.send(v9Packet({ sets: [templateSet(false, [{ id: 256, fields: [] }])] }));
  d.send(v9Packet({ sets: [templateSet(false, [{ id: 257, fields: [{ id: 8, len: 0 }, { id: 12, len: 0 }] }]), dataSet(257, [Buffer.alloc(40)])] }));
  d.send(v9Packet({ sets: [templateSet(false, [{ id: 258, fields: [{ id: 8, len: 0xffff }] }])] }));
  d.send(v9Packet({ sets: [templateSet(false, [{ id: 12, fields: BASIC }])] }));
  const cut = templateSet(false, [{ id: 259, fields: BASIC }]);
  cut.writeUInt16BE(cut.length - 8, 2);
  d.send(v9Packet({ sets: [cut.subarray(0, cut.length - 8)] }));
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 300, fields: [{ id: 1, len: 0 }] }])] }));
  assert.equal(d.flows.length, 0);
  assert.deepEqual(d.book.get('192.0.2.1', 0, 'netflow-v9').errorReasons, {
    'template without fields': 1, 'zero-length template': 1, 'field length 65535 in v9 template': 1, 'template id below 256': 1, 'template beyond set': 1,
  });
  assert.deepEqual(d.book.get('192.0.2.1', 0, 'ipfix').errorReasons, { 'zero-length template': 1 });
  d.dec.finish();
  assert.equal(d.book.get('192.0.2.1', 0, 'netflow-v9').templateMisses, 1); // the data of 257
});

test('hostile sets: length below 4, beyond the datagram, reserved ids, records cut short; IPFIX length field', () => {
  const d = decoder();
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: BASIC }])] }));
  const cutRecord = dataSet(256, [basic(1), basic(2).subarray(0, 10)]);
  d.send(ipfixMessage({ sets: [cutRecord] }));
  assert.equal(d.flows.length, 1); // 10 bytes < one record: padding, not an error
  const bad = Buffer.concat([u16(256), u16(3)]);
  d.send(ipfixMessage({ sets: [bad] }));
  d.send(ipfixMessage({ sets: [Buffer.concat([u16(256), u16(500), basic(3)])] }));
  d.send(ipfixMessage({ sets: [dataSet(7, [basic(4)])] }));
  const long = ipfixMessage({ sets: [dataSet(256, [basic(5)])] });
  long.writeUInt16BE(long.length + 100, 2);
  d.send(long);
  const short = ipfixMessage({ sets: [dataSet(256, [basic(6)])] });
  short.writeUInt16BE(10, 2);
  d.send(short);
  const varCut = decoder();
  varCut.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: [{ id: 8, len: 4 }, { id: 12, len: 4 }, { id: 96, len: 0xffff }] }])] }));
  varCut.send(ipfixMessage({ sets: [dataSet(256, [Buffer.concat([ip4('1.1.1.1'), ip4('2.2.2.2'), u8(200), Buffer.alloc(20)])])] }));
  assert.deepEqual(varCut.health()[0].errorReasons, { 'record beyond set': 1 });
  assert.deepEqual(d.flows.map((f) => f.src), ['10.0.0.1', '10.0.0.5']);
  assert.deepEqual(d.health()[0].errorReasons, {
    'set length below 4': 1, 'set length beyond datagram': 1, 'reserved set id': 1, 'message length beyond datagram': 1, 'message length below header': 1,
  });
});

test('v9: FIRST/LAST_SWITCHED against the header sysUptime; IPFIX: seconds, ms, µs/ns (NTP), delta µs, sysUpTime + systemInitTime', () => {
  const d = decoder();
  d.send(v9Packet({ sysUptime: 1_000_000, unixSecs: T, sets: [templateSet(false, [{ id: 256, fields: [...BASIC, { id: 22, len: 4 }, { id: 21, len: 4 }] }])] }));
  d.send(v9Packet({ sysUptime: 1_000_000, unixSecs: T, sets: [dataSet(256, [Buffer.concat([basic(1), u32(900_000), u32(990_000)])])] }));
  assert.deepEqual([d.flows[0].firstSeen, d.flows[0].lastSeen], [T * 1000 - 100_000, T * 1000 - 10_000]);
  const forms: [FieldSpec[], Buffer, number, number][] = [
    [[{ id: 150, len: 4 }, { id: 151, len: 4 }], Buffer.concat([u32(T - 60), u32(T - 1)]), (T - 60) * 1000, (T - 1) * 1000],
    [[{ id: 152, len: 8 }, { id: 153, len: 8 }], Buffer.concat([u64(T * 1000 - 1234), u64(T * 1000 - 5)]), T * 1000 - 1234, T * 1000 - 5],
    [[{ id: 154, len: 8 }, { id: 155, len: 8 }], Buffer.concat([u32(T + 2_208_988_800 - 2), u32(0x80000000), u32(T + 2_208_988_800), u32(0)]), T * 1000 - 1500, T * 1000],
    [[{ id: 156, len: 8 }, { id: 157, len: 8 }], Buffer.concat([u32(T + 2_208_988_800 - 3), u32(0x40000000), u32(T + 2_208_988_800 - 1), u32(0)]), T * 1000 - 2750, T * 1000 - 1000],
    [[{ id: 158, len: 4 }, { id: 159, len: 4 }], Buffer.concat([u32(7_000_000), u32(500_000)]), T * 1000 - 7000, T * 1000 - 500],
    [[{ id: 160, len: 8 }, { id: 22, len: 4 }, { id: 21, len: 4 }], Buffer.concat([u64(T * 1000 - 3_600_000), u32(3_500_000), u32(3_590_000)]), T * 1000 - 100_000, T * 1000 - 10_000],
  ];
  forms.forEach(([fields, values, first, last], i) => {
    const x = decoder();
    x.send(ipfixMessage({ exportSecs: T, sets: [templateSet(true, [{ id: 256, fields: [...BASIC, ...fields] }]), dataSet(256, [Buffer.concat([basic(1), values])])] }));
    assert.deepEqual([x.flows[0].firstSeen, x.flows[0].lastSeen], [first, last], `form ${i}`);
  });
  // systemInitTimeMilliseconds from options data serves the data records after it.
  const x = decoder();
  x.send(ipfixMessage({ exportSecs: T, sets: [
    optionsTemplateSet(true, 500, [{ id: 149, len: 4 }], [{ id: 160, len: 8 }]),
    templateSet(true, [{ id: 256, fields: [...BASIC, { id: 22, len: 4 }, { id: 21, len: 4 }] }]),
    dataSet(500, [Buffer.concat([u32(0), u64(T * 1000 - 3_600_000)])]),
    dataSet(256, [Buffer.concat([basic(1), u32(3_000_000), u32(3_000_500)])]),
  ] }));
  assert.deepEqual([x.flows[0].firstSeen, x.flows[0].lastSeen], [T * 1000 - 600_000, T * 1000 - 599_500]);
});

test('sampling: options data per sampler id, exporter default, packet interval/space, rate in the record', () => {
  // v9: FLOW_SAMPLER_ID 48 + FLOW_SAMPLER_RANDOM_INTERVAL 50 in options data; data records name their sampler.
  const d = decoder();
  d.send(v9Packet({ sets: [
    optionsTemplateSet(false, 260, [{ id: 1, len: 4 }], [{ id: 48, len: 2 }, { id: 49, len: 1 }, { id: 50, len: 4 }]),
    templateSet(false, [{ id: 261, fields: [...BASIC, { id: 48, len: 2 }] }]),
  ] }));
  d.send(v9Packet({ sets: [dataSet(260, [Buffer.concat([u32(0), u16(1), u8(2), u32(100)]), Buffer.concat([u32(0), u16(2), u8(2), u32(1000)])], 1)] }));
  d.send(v9Packet({ sets: [dataSet(261, [Buffer.concat([basic(1), u16(2)]), Buffer.concat([basic(2), u16(1)]), Buffer.concat([basic(3), u16(9)])])] }));
  assert.deepEqual(d.flows.map((f) => f.samplingRate), [1000, 100, 0]);
  // IPFIX: selector algorithm with samplingPacketInterval/Space, no sampler id: the domain default.
  const x = decoder();
  x.send(ipfixMessage({ domain: 3, sets: [
    optionsTemplateSet(true, 510, [{ id: 149, len: 4 }], [{ id: 304, len: 2 }, { id: 305, len: 4 }, { id: 306, len: 4 }]),
    templateSet(true, [{ id: 256, fields: BASIC }]),
    dataSet(510, [Buffer.concat([u32(3), u16(1), u32(1), u32(999)])]),
    dataSet(256, [basic(1)]),
  ] }));
  assert.equal(x.flows[0].samplingRate, 1000);
  assert.equal(x.health()[0].samplingRate, 1000);
  // samplingInterval inside each data record wins.
  const y = decoder();
  y.send(v9Packet({ sets: [templateSet(false, [{ id: 256, fields: [...BASIC, { id: 34, len: 4 }, { id: 35, len: 1 }] }]), dataSet(256, [Buffer.concat([basic(1), u32(2048), u8(2)])])] }));
  assert.equal(y.flows[0].samplingRate, 2048);
  assert.equal(y.health()[0].samplingRate, 2048);
});

test('biflows: RFC 5103 reverse elements, initiator/responder octets, biflowDirection', () => {
  const d = decoder();
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: [...BASIC, { id: 6, len: 1 }, { id: 1, len: 8, pen: 29305 }, { id: 2, len: 4, pen: 29305 }, { id: 6, len: 1, pen: 29305 }, { id: 239, len: 1 }] }])] }));
  d.send(ipfixMessage({ sets: [dataSet(256, [Buffer.concat([basic(1), u8(0x1b), u64(9000), u32(12), u8(0x13), u8(2)])])] }));
  assert.deepEqual(
    [d.flows[0].bytes, d.flows[0].packets, d.flows[0].reverseBytes, d.flows[0].reversePackets, d.flows[0].tcpFlags, d.flows[0].reverseTcpFlags, d.flows[0].initiator],
    [1001, 11, 9000, 12, 0x1b, 0x13, 'dst'],
  );
  const x = decoder();
  x.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: [{ id: 8, len: 4 }, { id: 12, len: 4 }, { id: 4, len: 1 }, { id: 231, len: 8 }, { id: 232, len: 8 }, { id: 298, len: 8 }, { id: 299, len: 8 }] }])] }));
  x.send(ipfixMessage({ sets: [dataSet(256, [Buffer.concat([ip4('10.0.0.1'), ip4('10.0.0.2'), u8(6), u64(500), u64(7000), u64(5), u64(6)])])] }));
  assert.deepEqual([x.flows[0].bytes, x.flows[0].reverseBytes, x.flows[0].packets, x.flows[0].reversePackets, x.flows[0].initiator], [500, 7000, 5, 6, 'src']);
});

test('sequence numbers: v9 counts export packets, IPFIX counts data records (options records included)', () => {
  const d = decoder();
  d.send(v9Packet({ seq: 10, sets: [templateSet(false, [{ id: 256, fields: BASIC }])] }));
  d.send(v9Packet({ seq: 11, sets: [dataSet(256, [basic(1), basic(2)])] }));
  d.send(v9Packet({ seq: 14, sets: [dataSet(256, [basic(1)])] }));
  d.send(v9Packet({ seq: 12, sets: [dataSet(256, [basic(1)])] })); // late
  assert.equal(d.book.get('192.0.2.1', 0, 'netflow-v9').sequenceGaps, 1);
  const x = decoder();
  x.send(ipfixMessage({ seq: 0, sets: [templateSet(true, [{ id: 256, fields: BASIC }]), optionsTemplateSet(true, 300, [{ id: 149, len: 4 }], [{ id: 34, len: 4 }])] }));
  x.send(ipfixMessage({ seq: 0, sets: [dataSet(256, [basic(1), basic(2), basic(3)]), dataSet(300, [Buffer.concat([u32(0), u32(10)])])] }));
  x.send(ipfixMessage({ seq: 4, sets: [dataSet(256, [basic(1), basic(2)])] }));
  assert.equal(x.health()[0].sequenceGaps, 0);
  x.send(ipfixMessage({ seq: 14, sets: [dataSet(256, [basic(1), basic(2)])] })); // 8 records missing: ~3 datagrams of ~3
  assert.ok(x.health()[0].sequenceGaps >= 2 && x.health()[0].sequenceGaps <= 4, String(x.health()[0].sequenceGaps));
});

test('v9 and IPFIX from one exporter keep separate templates and health', () => {
  const d = decoder();
  d.send(v9Packet({ sets: [templateSet(false, [{ id: 256, fields: BASIC }])] }));
  d.send(ipfixMessage({ sets: [dataSet(256, [basic(1)])] }));
  assert.equal(d.flows.length, 0);
  d.send(v9Packet({ sets: [dataSet(256, [basic(2)])] }));
  assert.equal(d.flows.length, 1);
  assert.deepEqual(d.health().map((h) => h.protocol).sort(), ['ipfix', 'netflow-v9']);
});

test('ICMP type and code from icmpTypeCodeIPv4/IPv6 go to the destination port, as in v5', () => {
  const d = decoder();
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: [{ id: 8, len: 4 }, { id: 12, len: 4 }, { id: 4, len: 1 }, { id: 32, len: 2 }, { id: 1, len: 4 }, { id: 2, len: 4 }] }])] }));
  d.send(ipfixMessage({ sets: [dataSet(256, [
    Buffer.concat([ip4('10.0.0.1'), ip4('10.0.0.2'), u8(1), u16(0x0800), u32(84), u32(1)]),
    Buffer.concat([ip4('10.0.0.2'), ip4('10.0.0.1'), u8(1), u16(0x0000), u32(84), u32(1)]),
    Buffer.concat([ip4('10.0.0.2'), ip4('10.0.0.1'), u8(17), u16(0x0303), u32(84), u32(1)]),
  ])] }));
  assert.deepEqual(d.flows.map((f) => [f.srcPort, f.dstPort]), [[0, 0x0800], [0, 0], [0, 0]]);
});

test('observation domains invented by one exporter are bounded: health stays finite', () => {
  const d = decoder();
  for (let i = 0; i < 1100; i++) d.send(ipfixMessage({ domain: i + 1, sets: [] }));
  assert.equal(d.health().length, 1024 + 1);
  assert.deepEqual(d.book.get('192.0.2.1', 0, 'ipfix').errorReasons, { 'too many source ids / observation domains': 1100 - 1024 });
});

test('a refreshed template lives on; held data is bounded in total across exporters', () => {
  const d = decoder({ limits: { templateTtlMs: 10_000 } });
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: BASIC }])] }), 'a', 0);
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: BASIC }])] }), 'a', 8_000);
  d.send(ipfixMessage({ sets: [dataSet(256, [basic(1)])] }), 'a', 15_000);
  assert.equal(d.flows.length, 1);
  assert.equal(d.health()[0].errors, 0);
  const x = decoder({ limits: { heldBytesTotal: 29 * 3 } });
  for (const ex of ['a', 'b', 'c', 'd', 'e']) x.send(ipfixMessage({ sets: [dataSet(400, [basic(1)])] }), ex);
  assert.deepEqual(x.health().map((h) => [h.exporter, h.templateMisses]), [['a', 1], ['b', 1], ['c', 0], ['d', 0], ['e', 0]]);
});

test('interfaces: v9 INPUT_SNMP / OUTPUT_SNMP (2 bytes) and IPFIX ingress/egressInterface (4 bytes); none stated reads 0', () => {
  const d = decoder();
  const withIfs = (len: number): FieldSpec[] => [...BASIC, { id: 10, len }, { id: 14, len }];
  d.send(v9Packet({ sets: [templateSet(false, [{ id: 256, fields: withIfs(2) }])] }));
  d.send(v9Packet({ sets: [dataSet(256, [Buffer.concat([basic(1), u16(3), u16(65534)])])] }));
  d.send(ipfixMessage({ sets: [templateSet(true, [{ id: 256, fields: withIfs(4) }, { id: 257, fields: BASIC }])] }));
  d.send(ipfixMessage({ sets: [dataSet(256, [Buffer.concat([basic(2), u32(100_000), u32(4_000_000_000)])]), dataSet(257, [basic(3)])] }));
  assert.deepEqual(d.flows.map((f) => [f.src, f.inIf, f.outIf]), [['10.0.0.1', 3, 65534], ['10.0.0.2', 100_000, 4_000_000_000], ['10.0.0.3', 0, 0]]);
});
