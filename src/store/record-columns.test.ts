import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowRecord } from '../flow/record.js';
import { ColumnBuilder, WIDTH, fromColumns, sliceColumns, toColumns } from './record-columns.js';

test('records survive the trip through columns unchanged', () => {
  const base: FlowRecord = {
    client: '10.0.0.1', server: '2001:db8::1', clientPort: 40000, serverPort: 443, proto: 6, ipVersion: 6, vlan: 4095,
    bytesC2s: 2 ** 40 + 3, bytesS2c: 0, packetsC2s: 1, packetsS2c: 7, samplingRate: 1000, tcpFlagsC2s: 0xff, tcpFlagsS2c: 0,
    firstSeen: Date.UTC(2026, 0, 1), lastSeen: Date.UTC(2026, 0, 1) + 59_999, direction: 'fan-in', source: 'pcap:a.pcap',
    exporter: '192.0.2.9', inIf: 4_000_000_000, outIf: 7, starts: 1,
  };
  const records: FlowRecord[] = [
    base,
    { ...base, client: '192.168.1.2', ipVersion: 4, source: 'capture:eth0', direction: 'handshake', proto: 1, serverPort: 0, exporter: '', inIf: 0, outIf: 0 },
    { ...base, source: 'pcap:a.pcap', direction: 'first-packet', starts: 0 },
  ];
  const c = toColumns(records);
  assert.equal(c.sources.length, 2, 'each source once');
  assert.deepEqual(c.exporters, ['192.0.2.9', ''], 'each exporter once');
  assert.deepEqual(fromColumns(structuredClone(c)), records);
  assert.deepEqual(fromColumns(toColumns([])), []);
});

test('a builder starts each batch afresh: its own dictionaries, a partial batch sized to its records', () => {
  const r = (client: string, source: string): FlowRecord => ({
    client, server: '10.9.9.9', clientPort: 1, serverPort: 2, proto: 6, ipVersion: 4, vlan: 0, bytesC2s: 1, bytesS2c: 1,
    packetsC2s: 1, packetsS2c: 1, samplingRate: 1, tcpFlagsC2s: 0, tcpFlagsS2c: 0, firstSeen: 0, lastSeen: 0, direction: 'handshake',
    source, exporter: '', inIf: 0, outIf: 0, starts: 1,
  });
  const b = new ColumnBuilder(2);
  const all = [r('10.1.2.3', 'a'), r('10.1.2.4', 'b'), r('10.0.0.1', 'b')];
  b.push(all[0]);
  b.push(all[1]);
  assert.throws(() => b.push(all[2]), /more than 2/);
  const first = b.take();
  assert.deepEqual(first.sources, ['a', 'b']);
  b.push(all[2]);
  const second = b.take();
  assert.deepEqual(second.sources, ['b'], 'a new batch, new dictionaries');
  assert.equal(second.numbers.length, WIDTH, 'a partial batch: its records only');
  assert.deepEqual([...fromColumns(first), ...fromColumns(second)], all);
  assert.deepEqual(fromColumns(sliceColumns(first, 1, 2)), [all[1]]);
  assert.equal(b.take().count, 0);
});
