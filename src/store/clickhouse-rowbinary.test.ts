import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rec } from '../testing/records.js';
import { addrHiLo } from '../util/ip.js';
import { UsageError } from '../util/errors.js';
import { FLOW_COLUMNS } from './schema.js';
import { rowBinary } from './clickhouse-rowbinary.js';

/** A reader of the column types flows uses, as ClickHouse reads RowBinary. */
function decode(buf: Uint8Array): Array<Record<string, bigint | number | string>> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const rows: Array<Record<string, bigint | number | string>> = [];
  while (at < b.length) {
    const row: Record<string, bigint | number | string> = {};
    for (const c of FLOW_COLUMNS) {
      const t = c.type.clickhouse;
      const width = { UInt64: 8, UInt32: 4, UInt16: 2, UInt8: 1 }[t];
      if (t === 'UInt64') row[c.name] = b.readBigUInt64LE(at);
      else if (t === 'UInt32') row[c.name] = b.readUInt32LE(at);
      else if (t === 'UInt16') row[c.name] = b.readUInt16LE(at);
      else if (t === 'UInt8') row[c.name] = b[at];
      if (width !== undefined) at += width;
      else if (t === 'String') {
        let len = 0;
        let shift = 0;
        for (;;) {
          const x = b[at++];
          len += (x & 0x7f) * 2 ** shift;
          shift += 7;
          if (x < 0x80) break;
        }
        row[c.name] = b.toString('utf8', at, at + len);
        at += len;
      } else throw new Error(`type ${t} not read here`);
    }
    rows.push(row);
  }
  return rows;
}

test('RowBinary: every column in table order, extremes and long or non-ASCII text exact', () => {
  const big = Number.MAX_SAFE_INTEGER;
  const records = [
    rec({ client: '10.1.2.3', server: '2001:db8::ff:1', clientPort: 65535, serverPort: 0, ipVersion: 6, bytesC2s: big, bytesS2c: 2 ** 32, packetsC2s: 2 ** 32 - 1, packetsS2c: 0, samplingRate: 1000, vlan: 4095, inIf: 0xffffffff, outIf: 7, starts: 1, source: `pcap:${'é'.repeat(200)}.pcap`, exporter: '192.0.2.9', firstSeen: 1_700_000_000_123, lastSeen: 1_700_000_000_999 }),
    rec({ client: '::ffff:192.168.1.1', server: '192.168.1.2', clientPort: 1, serverPort: 443, direction: 'handshake', source: 'x', starts: 0 }),
  ];
  const rows = decode(rowBinary(records));
  assert.equal(rows.length, 2);
  const [a, b] = rows;
  const c = addrHiLo('10.1.2.3');
  const s = addrHiLo('2001:db8::ff:1');
  assert.deepEqual([a.client_hi, a.client_lo, a.server_hi, a.server_lo], [c.hi, c.lo, s.hi, s.lo]);
  assert.equal(a.bytes_c2s, BigInt(big));
  assert.equal(a.bytes_s2c, 2n ** 32n);
  assert.equal(a.packets_c2s, 2n ** 32n - 1n);
  assert.equal(a.raw_bytes_s2c, BigInt(Math.round(2 ** 32 / 1000)));
  assert.equal(a.sampling_rate, 1000);
  assert.equal(a.in_if, 0xffffffff);
  assert.equal(a.source, `pcap:${'é'.repeat(200)}.pcap`, 'a length over 127 bytes takes two LEB128 bytes');
  assert.equal(a.first_seen, 1_700_000_000_123n);
  assert.equal(a.client, '10.1.2.3');
  assert.equal(b.client, '::ffff:192.168.1.1', 'text as given; the halves from the parsed address');
  assert.equal(b.client_lo, addrHiLo('192.168.1.1').lo);
  assert.equal(b.starts, 0);
  assert.equal(b.direction, 'handshake');
});

test('RowBinary: out-of-range values and non-addresses are refused, not wrapped', () => {
  assert.throws(() => rowBinary([rec({ client: '10.0.0.1', server: '10.0.0.2', clientPort: 70000, serverPort: 1 })]), UsageError);
  assert.throws(() => rowBinary([rec({ client: '10.0.0.1', server: '10.0.0.2', clientPort: 1, serverPort: 1, bytesC2s: -1 })]), UsageError);
  assert.throws(() => rowBinary([rec({ client: 'not-an-ip', server: '10.0.0.2', clientPort: 1, serverPort: 1 })]), UsageError);
});
