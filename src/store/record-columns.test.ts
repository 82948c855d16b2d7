import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowRecord } from '../flow/record.js';
import { ColumnBuilder, fromColumns, sliceColumns, toColumns } from './record-columns.js';

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

test('a builder gives each batch its address words, its own dictionaries, and none of the words when a text is bad', () => {
  const r = (client: string, server: string, source: string): FlowRecord => ({
    client, server, clientPort: 1, serverPort: 2, proto: 6, ipVersion: client.includes(':') ? 6 : 4, vlan: 0, bytesC2s: 1, bytesS2c: 1,
    packetsC2s: 1, packetsS2c: 1, samplingRate: 1, tcpFlagsC2s: 0, tcpFlagsS2c: 0, firstSeen: 0, lastSeen: 0, direction: 'handshake',
    source, exporter: '', inIf: 0, outIf: 0, starts: 1,
  });
  const b = new ColumnBuilder(2);
  b.push(r('10.1.2.3', '2001:db8::ff', 'a'));
  b.push(r('::ffff:192.0.2.1', '255.255.255.255', 'b'));
  const first = b.take();
  assert.deepEqual([...(first.addrs ?? [])], [0, 0, 0xffff, 0x0a010203, 0x20010db8, 0, 0, 0xff, 0, 0, 0xffff, 0xc0000201, 0, 0, 0xffff, 0xffffffff]);
  assert.deepEqual(first.sources, ['a', 'b']);
  b.push(r('10.0.0.1', 'not an address', 'b'));
  const second = b.take();
  assert.equal(second.count, 1);
  assert.deepEqual(second.sources, ['b'], 'a new batch, new dictionaries');
  assert.equal(second.addrs, undefined, 'a bad text: the store parses the texts and names it');
  b.push(r('10.0.0.1', '10.0.0.2', 'c'));
  const third = b.take();
  assert.deepEqual([...(third.addrs ?? [])], [0, 0, 0xffff, 0x0a000001, 0, 0, 0xffff, 0x0a000002], 'a partial batch: its words only');
  assert.deepEqual(fromColumns(sliceColumns(first, 1, 2)), fromColumns(first).slice(1));
  assert.deepEqual([...(sliceColumns(first, 1, 2).addrs ?? [])], [...(first.addrs ?? [])].slice(8));
});
