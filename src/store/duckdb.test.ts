import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { NOW, RECORDS, rec } from '../testing/records.js';
import { parseFilter, type RawFilter } from '../filter/parse.js';
import { DuckDbStore } from './duckdb.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { MIGRATIONS } from './schema.js';

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
      first_seen: '2026-11-28T07:00:00.000Z', last_seen: '2026-11-28T07:05:01.000Z', server_process: null, client_process: null,
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
    // 192.168.1.66 serves the excluded host's 2 MB and uses 192.168.1.55's https.
    assert.deepEqual((await store.top('edges', f({ server: ['192.168.1.66'] }))).map((r) => [r.client, r.bytes]), [['192.168.1.151', 2_000_000]]);
    assert.deepEqual((await store.top('edges', f({ client: ['192.168.1.66'] }))).map((r) => [r.server, r.bytes]), [['192.168.1.55', 25_000]]);
    assert.deepEqual(await store.top('edges', f({ client: ['192.168.1.66'], server: ['192.168.1.151'] })), []);
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
    assert.deepEqual(versions, MIGRATIONS.map((m) => ({ version: m.version })));
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

  test('text columns: one value for a whole chunk, and a different value per row, both read back', async () => {
    const path = join(dir, 'text.duckdb');
    const s = await DuckDbStore.open(path);
    await s.init();
    const DIRS = ['handshake', 'port-rank', 'fan-in', 'exporter'] as const;
    // 5000 records: chunks of 2048 where source and direction are uniform, then a chunk that mixes both.
    const recs = Array.from({ length: 5000 }, (_, i) =>
      rec({
        client: `10.0.${i >> 8}.${i & 255}`, clientPort: 1 + i, server: '2001:db8::1', serverPort: 80, bytesC2s: i, samplingRate: i < 4096 ? 1 : 10,
        direction: i < 4096 ? 'handshake' : DIRS[i % 4], source: i < 4096 ? 'pcap:a.pcap' : `netflow:10.0.0.${i % 3}/0`,
      }),
    );
    await s.append(recs);
    await s.close();
    const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const conn = await inst.connect();
    const rows = (await conn.runAndReadAll('SELECT client, server, direction, source, bytes_c2s, raw_bytes_c2s, sampling_rate FROM flows ORDER BY client_port')).getRowObjectsJS();
    conn.closeSync();
    inst.closeSync();
    assert.equal(rows.length, recs.length);
    rows.forEach((r, i) => {
      const want = recs[i];
      assert.deepEqual(
        [r.client, r.server, r.direction, r.source, Number(r.bytes_c2s), Number(r.raw_bytes_c2s), Number(r.sampling_rate)],
        [want.client, want.server, want.direction, want.source, want.bytesC2s, Math.round(want.bytesC2s / want.samplingRate), want.samplingRate],
        `row ${i}`,
      );
    });
  });
  type WithConn = { conn: { runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }> } };
  const setting = async (s: DuckDbStore, name: string) =>
    Number((await (s as unknown as WithConn).conn.runAndReadAll(`SELECT current_setting('${name}') AS v`)).getRowObjectsJS()[0].v);
  test('engineThreads: a live writer keeps DuckDB to its own thread; the default uses every core', async () => {
    const one = await DuckDbStore.open(':memory:', { engineThreads: 1 });
    const all = await DuckDbStore.open(':memory:');
    try {
      assert.equal(await setting(one, 'threads'), 1);
      assert.equal(await setting(all, 'threads'), (await import('node:os')).availableParallelism());
    } finally {
      await one.close();
      await all.close();
    }
  });
  test("a file's transaction writes its row groups out one at a time; other writes keep DuckDB's buffer", async () => {
    const s = await DuckDbStore.open(':memory:');
    try {
      await s.init();
      const buffer = () => setting(s, 'write_buffer_row_group_count');
      const byDefault = await buffer();
      assert.ok(byDefault > 1, `DuckDB's default buffer: ${byDefault}`);
      await s.begin();
      assert.equal(await buffer(), 1);
      await s.append([rec({ client: '10.0.0.1', server: '10.0.0.2', clientPort: 40001, serverPort: 443 })]);
      await s.commit({ key: 'ingest:/a', value: '1:1' });
      assert.equal(await buffer(), byDefault);
      await s.begin();
      assert.equal(await buffer(), 1);
      await s.append([rec({ client: '10.0.0.1', server: '10.0.0.2', clientPort: 40002, serverPort: 443 })]);
      await s.rollback();
      assert.equal(await buffer(), byDefault);
      assert.equal((await s.stats()).records, 1);
      assert.equal(await s.getMark('ingest:/a'), '1:1');
    } finally {
      await s.close();
    }
  });
  test('names: thousands of rows go in as chunks (several, sources mixed, any text) and read back exactly', async () => {
    const s = await DuckDbStore.open(':memory:');
    await s.init();
    const SOURCES = ['dns', 'sni', 'http'] as const;
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      address: i % 2 ? `10.1.${i >> 8}.${i & 255}` : `2001:db8::${i.toString(16)}`,
      // Long, non-ASCII and quote-bearing names cross DuckDB's 12-byte inline string limit.
      name: i % 7 === 0 ? `bücher-${i}.example.org` : i % 11 === 0 ? `o'reilly${i}.example` : `h${i}.example`,
      source: SOURCES[i % 3],
      first_seen: new Date(NOW - 3_600_000 + i).toISOString(),
      last_seen: new Date(NOW + i).toISOString(),
    }));
    try {
      await s.appendNames(rows);
      const got = await s.names(rows.map((r) => r.address));
      const key = (r: { address: string; name: string; source: string; first_seen: string; last_seen: string }) => JSON.stringify([r.address, r.name, r.source, r.first_seen, r.last_seen]);
      assert.deepEqual(got.map(key).sort(), rows.map(key).sort());
      await assert.rejects(s.appendNames([{ ...rows[0], first_seen: 'not a time' }]), /bad time/);
      assert.equal((await s.names([rows[0].address])).length, 1, 'a refused batch leaves nothing behind');
    } finally {
      await s.close();
    }
  });
});

