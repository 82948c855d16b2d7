import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FlowRecord } from '../flow/record.js';
import { parseFilter, type RawFilter } from '../filter/parse.js';
import { DuckDbStore } from './duckdb.js';
import { FlowmapError, UsageError } from '../util/errors.js';

const T = Date.UTC(2026, 10, 28, 7, 0, 0);
const S = 1000;
const NOW = T + 3600 * S;

function rec(p: Partial<FlowRecord> & Pick<FlowRecord, 'client' | 'server' | 'clientPort' | 'serverPort'>): FlowRecord {
  return {
    proto: 6, ipVersion: p.client.includes(':') ? 6 : 4, vlan: 0, bytesC2s: 0, bytesS2c: 0, packetsC2s: 0, packetsS2c: 0,
    samplingRate: 1, tcpFlagsC2s: 0x1a, tcpFlagsS2c: 0x12, firstSeen: T, lastSeen: T, direction: 'handshake', source: 'pcap:test.pcap',
    ...p,
  };
}

// A lab like the workflow write-up. Expected results below are worked out by hand.
const RECORDS: FlowRecord[] = [
  // One backup conversation split into three records by the active timeout: one connection.
  rec({ client: '192.168.1.69', clientPort: 57668, server: '192.168.1.240', serverPort: 902, firstSeen: T, lastSeen: T + 60 * S, bytesC2s: 1000, bytesS2c: 100_000, packetsC2s: 10, packetsS2c: 100 }),
  rec({ client: '192.168.1.69', clientPort: 57668, server: '192.168.1.240', serverPort: 902, firstSeen: T + 60 * S, lastSeen: T + 120 * S, bytesC2s: 2000, bytesS2c: 200_000, packetsC2s: 20, packetsS2c: 200 }),
  rec({ client: '192.168.1.69', clientPort: 57668, server: '192.168.1.240', serverPort: 902, firstSeen: T + 120 * S, lastSeen: T + 150_500, bytesC2s: 500, bytesS2c: 50_000, packetsC2s: 5, packetsS2c: 50 }),
  // A second conversation on the same edge.
  rec({ client: '192.168.1.69', clientPort: 57670, server: '192.168.1.240', serverPort: 902, firstSeen: T + 200 * S, lastSeen: T + 210 * S, bytesC2s: 100, bytesS2c: 900, packetsC2s: 1, packetsS2c: 2 }),
  // Same client port on another VLAN: a third conversation.
  rec({ client: '192.168.1.69', clientPort: 57668, server: '192.168.1.240', serverPort: 902, vlan: 10, firstSeen: T + 300 * S, lastSeen: T + 301 * S, bytesC2s: 10, bytesS2c: 90, packetsC2s: 1, packetsS2c: 1 }),
  rec({ client: '192.168.1.66', clientPort: 55846, server: '192.168.1.55', serverPort: 443, firstSeen: T + 10 * S, lastSeen: T + 20 * S, bytesC2s: 5000, bytesS2c: 20_000, packetsC2s: 10, packetsS2c: 20 }),
  // The host the workflow excludes: biggest of all.
  rec({ client: '192.168.1.151', clientPort: 50000, server: '192.168.1.66', serverPort: 8086, firstSeen: T + 5 * S, lastSeen: T + 6 * S, bytesC2s: 1_000_000, bytesS2c: 1_000_000, packetsC2s: 700, packetsS2c: 700 }),
  // Leaves the lab.
  rec({ client: '192.168.1.65', clientPort: 48718, server: '8.8.8.8', serverPort: 53, proto: 17, firstSeen: T, lastSeen: T + S, bytesC2s: 100, bytesS2c: 200, packetsC2s: 1, packetsS2c: 1, tcpFlagsC2s: 0, tcpFlagsS2c: 0, direction: 'service-port' }),
  // IPv6.
  rec({ client: '2001:db8::10', clientPort: 40000, server: '2001:db8::20', serverPort: 443, firstSeen: T + 30 * S, lastSeen: T + 40 * S, bytesC2s: 300, bytesS2c: 700, packetsC2s: 3, packetsS2c: 7 }),
  // Yesterday.
  rec({ client: '192.168.1.70', clientPort: 40000, server: '192.168.1.71', serverPort: 22, firstSeen: T - 86_400 * S, lastSeen: T - 86_390 * S, bytesC2s: 50_000, bytesS2c: 60_000, packetsC2s: 50, packetsS2c: 60 }),
];

const LAB = { subnet: ['192.168.1.0/24'], exclude: ['192.168.1.151'] };

describe('DuckDbStore', () => {
  let store: DuckDbStore;
  const f = (raw: RawFilter) => parseFilter(raw, NOW);
  const key = (r: { client: string; server: string; port: number; bytes: number }) => `${r.client}>${r.server}:${r.port}=${r.bytes}`;

  before(async () => {
    store = await DuckDbStore.open(':memory:');
    await store.init();
    await store.init(); // idempotent
    await store.append(RECORDS.slice(0, 4));
    await store.append(RECORDS.slice(4));
    await store.append([]);
  });
  after(async () => store.close());

  test('edges: the workflow question, with a split conversation counted once', async () => {
    const rows = await store.top('edges', f(LAB));
    assert.deepEqual(rows[0], {
      client: '192.168.1.69', server: '192.168.1.240', port: 902, proto: 'tcp', service: null,
      bytes_c2s: 3610, bytes_s2c: 350_990, bytes: 354_600, packets: 390, connections: 3,
      first_seen: '2026-11-28T07:00:00.000Z', last_seen: '2026-11-28T07:05:01.000Z',
    });
    assert.deepEqual(rows.map(key), ['192.168.1.69>192.168.1.240:902=354600', '192.168.1.70>192.168.1.71:22=110000', '192.168.1.66>192.168.1.55:443=25000']);
  });

  test('edges: no filter, ordering and limit', async () => {
    const rows = await store.top('edges', f({}));
    assert.deepEqual(rows.map((r) => r.bytes), [2_000_000, 354_600, 110_000, 25_000, 1000, 300]);
    assert.equal(rows[5].proto, 'udp');
    assert.equal((await store.top('edges', f({ limit: 2 }))).length, 2);
  });

  test('edges: time windows select overlapping records', async () => {
    const sinceT = await store.top('edges', f({ ...LAB, since: '2026-11-28T07:00:00Z' }));
    assert.deepEqual(sinceT.map(key), ['192.168.1.69>192.168.1.240:902=354600', '192.168.1.66>192.168.1.55:443=25000']);
    const late = await store.top('edges', f({ since: '2026-11-28T07:04:10Z' }));
    assert.deepEqual(late.map((r) => [r.bytes, r.connections, r.first_seen]), [[100, 1, '2026-11-28T07:05:00.000Z']]);
    const old = await store.top('edges', f({ until: '2026-11-28T06:00:00Z' }));
    assert.deepEqual(old.map(key), ['192.168.1.70>192.168.1.71:22=110000']);
    // A record is kept when it overlaps the window at all: [07:00:59, 07:01:00.5] touches records 1 and 2.
    const edge = await store.top('flows', f({ since: '2026-11-28T07:00:59Z', until: '2026-11-28T07:01:00.500Z', port: ['902'] }));
    assert.deepEqual(edge.map((r) => [r.records, r.bytes]), [[2, 303_000]]);
  });

  test('edges: min-bytes, hosts, ports, protos, IPv6', async () => {
    assert.deepEqual((await store.top('edges', f({ ...LAB, minBytes: '100k' }))).map((r) => r.bytes), [354_600, 110_000]);
    assert.deepEqual((await store.top('edges', f({ ...LAB, minBytes: '200k' }))).map((r) => r.bytes), [354_600]);
    assert.deepEqual((await store.top('edges', f({ host: ['192.168.1.66'] }))).map((r) => r.bytes), [2_000_000, 25_000]);
    assert.deepEqual((await store.top('edges', f({ host: ['192.168.1.66'], exclude: ['192.168.1.151'] }))).map((r) => r.bytes), [25_000]);
    assert.deepEqual((await store.top('edges', f({ port: ['443'] }))).map((r) => r.client), ['192.168.1.66', '2001:db8::10']);
    assert.deepEqual((await store.top('edges', f({ proto: ['udp'] }))).map((r) => r.server), ['8.8.8.8']);
    const v6 = await store.top('edges', f({ subnet: ['2001:db8::/32'] }));
    assert.deepEqual(v6.map(key), ['2001:db8::10>2001:db8::20:443=1000']);
    assert.deepEqual(await store.top('edges', f({ subnet: ['2001:db9::/32'] })), []);
    // Both ends must be inside: 192.168.1.65 -> 8.8.8.8 is not in the lab.
    assert.ok(!(await store.top('edges', f({ subnet: ['192.168.1.0/24'] }))).some((r) => r.server === '8.8.8.8'));
    // ...but either range may hold either end.
    assert.equal((await store.top('edges', f({ subnet: ['192.168.1.0/24', '8.8.8.0/24'] }))).some((r) => r.server === '8.8.8.8'), true);
  });

  test('talkers: both sides, peers, connections', async () => {
    const rows = await store.top('talkers', f(LAB));
    assert.deepEqual(rows.map((r) => [r.host, r.bytes]), [
      ['192.168.1.240', 354_600], ['192.168.1.69', 354_600], ['192.168.1.70', 110_000], ['192.168.1.71', 110_000],
      ['192.168.1.55', 25_000], ['192.168.1.66', 25_000],
    ]);
    assert.deepEqual(rows[1], {
      host: '192.168.1.69', bytes_sent: 3610, bytes_received: 350_990, bytes: 354_600, packets: 390, peers: 1, connections: 3,
      first_seen: '2026-11-28T07:00:00.000Z', last_seen: '2026-11-28T07:05:01.000Z',
    });
    assert.equal(rows[0].bytes_sent, 350_990);
    const all = await store.top('talkers', f({ limit: 1 }));
    assert.deepEqual([all[0].host, all[0].bytes, all[0].peers], ['192.168.1.66', 2_025_000, 2]);
  });

  test('services', async () => {
    const rows = await store.top('services', f({}));
    assert.deepEqual(rows.map((r) => [r.port, r.proto, r.bytes, r.servers, r.clients, r.connections]), [
      [8086, 'tcp', 2_000_000, 1, 1, 1],
      [902, 'tcp', 354_600, 1, 1, 3],
      [22, 'tcp', 110_000, 1, 1, 1],
      [443, 'tcp', 26_000, 2, 2, 2],
      [53, 'udp', 300, 1, 1, 1],
    ]);
  });

  test('flows: per conversation, summing records', async () => {
    const rows = await store.top('flows', f(LAB));
    assert.deepEqual(rows.map((r) => [r.client_port, r.vlan, r.records, r.bytes]), [
      [57668, 0, 3, 353_500], [40000, 0, 1, 110_000], [55846, 0, 1, 25_000], [57670, 0, 1, 1000], [57668, 10, 1, 100],
    ]);
    assert.deepEqual([rows[0].packets_c2s, rows[0].packets_s2c, rows[0].last_seen], [35, 350, '2026-11-28T07:02:30.500Z']);
  });

  test('stats', async () => {
    assert.deepEqual(await store.stats(), { records: 10, firstSeen: '2026-11-27T07:00:00.000Z', lastSeen: '2026-11-28T07:05:01.000Z' });
  });
});

describe('DuckDbStore on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-duckdb-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('persists, reopens, keeps raw counters and sampling rate', async () => {
    const path = join(dir, 'flows.duckdb');
    const s1 = await DuckDbStore.open(path);
    await s1.init();
    await s1.append([rec({ client: '10.0.0.1', clientPort: 1, server: '10.0.0.2', serverPort: 80, bytesC2s: 10_000, bytesS2c: 5000, packetsC2s: 200, packetsS2c: 100, samplingRate: 100, direction: 'exporter', source: 'sflow:10.0.0.254/3' })]);
    await s1.close();
    const s2 = await DuckDbStore.open(path);
    await s2.init();
    assert.equal((await s2.stats()).records, 1);
    await s2.close();

    const inst = await DuckDBInstance.create(path);
    const conn = await inst.connect();
    const rows = (await conn.runAndReadAll('SELECT raw_bytes_c2s, raw_bytes_s2c, raw_packets_c2s, sampling_rate, client_lo, direction, source FROM flows')).getRowObjectsJS();
    assert.deepEqual(rows, [{ raw_bytes_c2s: 100n, raw_bytes_s2c: 50n, raw_packets_c2s: 2n, sampling_rate: 100, client_lo: 0xffff0a000001n, direction: 'exporter', source: 'sflow:10.0.0.254/3' }]);
    const versions = (await conn.runAndReadAll('SELECT version FROM schema_version')).getRowObjectsJS();
    assert.deepEqual(versions, [{ version: 1 }, { version: 2 }]);
    await conn.run('INSERT INTO schema_version VALUES (99)');
    conn.closeSync();
    inst.closeSync();

    const s3 = await DuckDbStore.open(path);
    await assert.rejects(s3.init(), (e: unknown) => e instanceof FlowmapError && /newer/.test(e.message));
    await s3.close();
  });

  test('a file that is not a DuckDB database gives a clear error', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = join(dir, 'not-a-db.pcap');
    writeFileSync(path, Buffer.alloc(4096, 0xd4));
    await assert.rejects(DuckDbStore.open(path), (e: unknown) => e instanceof UsageError && e.message.includes(path) && /not a valid DuckDB/.test(e.message));
    await assert.rejects(DuckDbStore.open(join(dir, 'missing.duckdb'), { readOnly: true }), (e: unknown) => e instanceof UsageError && /no flows stored yet in .*missing\.duckdb/.test(e.message));
  });

  test('read-only opens share the file; the schema is checked, not created', async () => {
    const path = join(dir, 'shared.duckdb');
    const w = await DuckDbStore.open(path);
    await w.init();
    await w.append([rec({ client: '10.0.0.1', clientPort: 1, server: '10.0.0.2', serverPort: 80, bytesC2s: 1 })]);
    await w.close();
    const r1 = await DuckDbStore.open(path, { readOnly: true });
    await r1.init();
    assert.equal((await r1.stats()).records, 1);
    await assert.rejects(r1.append([rec({ client: '10.0.0.1', clientPort: 1, server: '10.0.0.2', serverPort: 80 })]));
    await r1.close();
    const other = join(dir, 'other.duckdb');
    const inst = await DuckDBInstance.create(other);
    (await inst.connect()).closeSync();
    inst.closeSync();
    const r2 = await DuckDbStore.open(other, { readOnly: true });
    await assert.rejects(r2.init(), (e: unknown) => e instanceof UsageError && /not a flowmap database/.test(e.message));
    await r2.close();
  });

  test('out-of-range record fields are rejected with the column name', async () => {
    const s = await DuckDbStore.open(':memory:');
    await s.init();
    await assert.rejects(s.append([rec({ client: '10.0.0.1', clientPort: 70_000, server: '10.0.0.2', serverPort: 80 })]), /client_port/);
    await assert.rejects(s.append([rec({ client: 'not-an-ip', clientPort: 1, server: '10.0.0.2', serverPort: 80 })]), /not-an-ip/);
    // All or nothing: 3000 good records (more than one chunk) and one bad one at the end.
    const good = Array.from({ length: 3000 }, (_, i) => rec({ client: '10.0.0.1', clientPort: 1 + i, server: '10.0.0.2', serverPort: 80 }));
    await assert.rejects(s.append([...good, rec({ client: '10.0.0.1', clientPort: 1, server: '10.0.0.2', serverPort: 80, proto: 300 })]), /proto/);
    assert.equal((await s.stats()).records, 0);
    await s.append(good);
    assert.equal((await s.stats()).records, 3000);
    await s.close();
  });
});
