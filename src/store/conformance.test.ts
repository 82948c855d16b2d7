/**
 * Conformance: the same ingest and queries against every backend (DuckDB, MariaDB, ClickHouse single
 * node, ClickHouse two-shard cluster), which must give identical answers: every top kind under every
 * filter option, stats, scans, marks and retention. The data is the workflow fixture plus a capture
 * from the lab generator ingested through the real pipeline, checked against the generator's truth.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FLOWS } from '../config/model.js';
import type { FlowRecord } from '../flow/record.js';
import { parseFilter, type RawFilter } from '../filter/parse.js';
import { conversationKey, LabGenerator, type LabTruth } from '../gen/lab.js';
import { ingestCapture } from '../pipeline/ingest.js';
import { ServiceRegistry } from '../services/registry.js';
import { startBackends, type BackendName, type Backends } from '../testing/backends.js';
import { NOW, RECORDS, T, S } from '../testing/records.js';
import { EXPORTER_A, EXPORTER_B, IFACE_RECORDS, IFACE_TOP } from '../testing/interface-records.js';
import { openStore } from './open.js';
import type { EdgeRef, EdgeRow, EdgeSeriesRow, ManagedStore, SeriesRow, TopKind } from './store.js';
import { parseProto } from '../util/protocols.js';

const KINDS: TopKind[] = ['edges', 'talkers', 'services', 'flows', 'interfaces'];
const LAB = { subnet: ['192.168.1.0/24'], exclude: ['192.168.1.151'] };
const LAB_OPTS = { packets: 6000, snaplen: 96, seed: 31, chunkSize: 256 << 10 };

/** Every filter option alone and in the combinations users type. */
const FILTERS: RawFilter[] = [
  {},
  LAB,
  { ...LAB, limit: 2 },
  { ...LAB, limit: 1 },
  { limit: 1000 },
  { subnet: ['2001:db8::/32'] },
  { subnet: ['192.168.1.0/24', '8.8.8.0/24'] },
  { subnet: ['10.0.0.0/8'] },
  { exclude: ['192.168.1.151', '2001:db8::/32'] },
  { host: ['192.168.1.66'] },
  { host: ['192.168.1.66'], exclude: ['192.168.1.151'] },
  { host: ['10.0.0.0/8', '2001:db8::10'] },
  { client: ['192.168.1.69'] },
  { server: ['192.168.1.66', '2001:db8::/32'] },
  { client: ['192.168.1.0/24'], server: ['192.168.1.240'], port: ['902'] },
  { port: ['443'] },
  { port: ['53,902,22'] },
  { proto: ['udp'] },
  { proto: ['tcp', 'icmp'] },
  { since: '2026-11-28T07:00:00Z' },
  { until: '2026-11-28T06:00:00Z' },
  { since: '2026-11-28T07:01:00Z', until: '2026-11-28T07:02:10Z' },
  { since: '2026-01-15T10:00:01Z', until: '2026-01-15T10:00:02Z' },
  { minBytes: '100k' },
  { ...LAB, minBytes: '200k' },
  { minBytes: '1k', port: ['443'], proto: ['tcp'], since: '2026-01-01' },
  { exporter: [EXPORTER_A] },
  { interface: ['7'] },
  { exporter: [EXPORTER_B, '192.0.2.99'], interface: ['3', '70000'] },
  { interface: ['0'], subnet: ['10.0.0.0/8'], limit: 2 },
];

function sortRecords(rs: FlowRecord[]): FlowRecord[] {
  return [...rs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const edgeText = (e: EdgeRef): string => `${e.client} > ${e.server} ${e.port}/${e.proto}`;

/** A SeriesRow's own fields of an EdgeSeriesRow (to compare with Store.series). */
function seriesPart(r: SeriesRow): SeriesRow {
  return { t: r.t, bytes_c2s: r.bytes_c2s, bytes_s2c: r.bytes_s2c, packets_c2s: r.packets_c2s, packets_s2c: r.packets_s2c, records: r.records };
}

/** Rows per edge, edges in order of first appearance; each edge's rows must be contiguous. */
function seriesByEdge(rows: readonly EdgeSeriesRow[]): Map<string, EdgeSeriesRow[]> {
  const out = new Map<string, EdgeSeriesRow[]>();
  let last = '';
  for (const r of rows) {
    const k = edgeText(r);
    assert.ok(k === last || !out.has(k), `${k}: rows of one edge are together`);
    out.set(k, [...(out.get(k) ?? []), r]);
    last = k;
  }
  return out;
}

/** An edge's buckets: aligned, oldest first, adding up to the edge's totals in top('edges'). */
function checkEdgeBuckets(e: EdgeRow, rows: readonly EdgeSeriesRow[], bucket: number, tag: string): void {
  const k = `${tag}: ${edgeText(e)}`;
  assert.ok(rows.length > 0, `${k}: has rows`);
  const times = rows.map((r) => Date.parse(r.t));
  assert.ok(times.every((t, i) => t % bucket === 0 && (i === 0 || t > times[i - 1])), `${k}: aligned buckets, ascending`);
  const sum = (pick: (r: EdgeSeriesRow) => number): number => rows.reduce((a, r) => a + pick(r), 0);
  assert.deepEqual([sum((r) => r.bytes_c2s), sum((r) => r.bytes_s2c), sum((r) => r.packets_c2s + r.packets_s2c)], [e.bytes_c2s, e.bytes_s2c, e.packets], k);
}

describe('store conformance: DuckDB, MariaDB, ClickHouse single node, ClickHouse cluster', () => {
  let backends: Backends;
  const stores = new Map<BackendName, ManagedStore>();
  let truth: LabTruth;
  const f = (raw: RawFilter) => parseFilter(raw, NOW);

  before(async () => {
    backends = await startBackends();
    for (const b of backends.all) {
      const store = await openStore(b.fresh('conf'));
      stores.set(b.name, store);
      await store.append(RECORDS.slice(0, 4));
      await store.append(RECORDS.slice(4));
      await store.append([]);
      await store.append(IFACE_RECORDS);
      const gen = new LabGenerator(LAB_OPTS);
      await ingestCapture(gen.stream(), 'lab', { store, services: ServiceRegistry.builtin(), ...DEFAULT_FLOWS });
      truth = gen.truth();
    }
  });
  after(async () => {
    for (const s of stores.values()) await s.close();
    await backends?.stop();
  });

  test('every top kind under every filter: identical answers on every backend', async () => {
    const ref = stores.get('duckdb') as ManagedStore;
    let compared = 0;
    for (const raw of FILTERS) {
      for (const kind of KINDS) {
        const want = await ref.top(kind, f(raw));
        for (const [name, s] of stores) {
          if (name === 'duckdb') continue;
          assert.deepEqual(await s.top(kind, f(raw)), want, `${name}: top ${kind} ${JSON.stringify(raw)}`);
          compared++;
        }
      }
    }
    assert.equal(compared, FILTERS.length * KINDS.length * (stores.size - 1));
  });

  test('the workflow question has the hand-worked answer on every backend', async () => {
    for (const [name, s] of stores) {
      const rows = await s.top('edges', f({ ...LAB, since: '2026-11-01' }));
      assert.deepEqual(
        rows.slice(0, 3).map((r) => [r.client, r.server, r.port, r.bytes, r.bytes_c2s, r.packets, r.connections]),
        [
          ['192.168.1.69', '192.168.1.240', 902, 354_600, 3610, 390, 3],
          ['192.168.1.70', '192.168.1.71', 22, 110_000, 50_000, 110, 1],
          ['192.168.1.66', '192.168.1.55', 443, 25_000, 5000, 30, 1],
        ],
        name,
      );
      assert.equal(rows[0].last_seen, '2026-11-28T07:05:01.000Z', name);
    }
  });

  test('top interfaces: the hand sums on every backend, captures left out; --exporter and --interface filter records', async () => {
    const cols = (rows: Array<{ exporter: string; if_index: number; bytes_in: number; bytes_out: number; bytes: number; packets_in: number; packets_out: number }>) =>
      rows.map((r) => [r.exporter, r.if_index, r.bytes_in, r.bytes_out, r.bytes, r.packets_in, r.packets_out]);
    const pick = (...keys: Array<[string, number]>) => IFACE_TOP.filter((r) => keys.some(([e, i]) => r[0] === e && r[1] === i));
    for (const [name, s] of stores) {
      assert.deepEqual(cols(await s.top('interfaces', f({ limit: 100 }))), IFACE_TOP, name);
      assert.deepEqual(cols(await s.top('interfaces', f({ limit: 2 }))), IFACE_TOP.slice(0, 2), `${name}: limit`);
      assert.deepEqual(cols(await s.top('interfaces', f({ minBytes: '10k' }))), IFACE_TOP.slice(0, 2), `${name}: min bytes`);
      assert.deepEqual(cols(await s.top('interfaces', f({ exporter: [EXPORTER_B] }))), pick([EXPORTER_B, 3], [EXPORTER_B, 70_000]), `${name}: exporter`);
      // Records through 7 (in or out): those of interfaces 3 and 7 at A but the DNS one.
      assert.deepEqual(cols(await s.top('interfaces', f({ interface: ['7'] }))), [[EXPORTER_A, 3, 4500, 15_500, 20_000, 45, 50], [EXPORTER_A, 7, 15_500, 4500, 20_000, 50, 45]], `${name}: interface`);
      assert.deepEqual(cols(await s.top('interfaces', f({ interface: ['0'], exporter: [EXPORTER_A] }))), [[EXPORTER_A, 0, 200, 100, 300, 1, 1], [EXPORTER_A, 3, 100, 200, 300, 1, 1]], `${name}: unknown output`);
      assert.deepEqual(cols(await s.top('interfaces', f({ since: '2026-12-05T12:00:31Z' }))), [[EXPORTER_A, 0, 200, 100, 300, 1, 1], [EXPORTER_A, 3, 100, 200, 300, 1, 1]], `${name}: window`);
      // The filter is the one filter model: other kinds take it too, and captures never match it.
      const edges = await s.top('edges', f({ interface: ['7'] }));
      assert.deepEqual(edges.map((e) => [e.client, e.server, e.port, e.bytes]), [['10.1.0.5', '10.2.0.9', 443, 10_000], ['10.1.0.6', '10.2.0.9', 443, 5000], ['10.2.0.9', '10.1.0.5', 22, 5000]], `${name}: edges`);
      assert.deepEqual(await s.top('flows', f({ exporter: ['192.0.2.99'] })), [], `${name}: unknown exporter`);
    }
  });

  test('interface series: buckets add up to top interfaces in and out, identical everywhere', async () => {
    const ref = stores.get('duckdb') as ManagedStore;
    const top = await ref.top('interfaces', f({ limit: 100 }));
    const want = await ref.keyedSeries(f({}), 10_000, { by: 'interfaces', interfaces: top });
    top.forEach((i, k) => {
      const rows = want.filter((r) => r.key === k);
      const sum = rows.reduce((a, r) => [a[0] + r.bytes_c2s, a[1] + r.bytes_s2c, a[2] + r.packets_c2s, a[3] + r.packets_s2c], [0, 0, 0, 0]);
      assert.deepEqual(sum, [i.bytes_in, i.bytes_out, i.packets_in, i.packets_out], `${i.exporter} ${i.if_index}`);
    });
    for (const [name, s] of stores) assert.deepEqual(await s.keyedSeries(f({}), 10_000, { by: 'interfaces', interfaces: top }), want, name);
    // Top interfaces of every 10 s: each interface's rows add up to its in and out bytes.
    const per = await ref.topPer('interfaces', f({ limit: 100 }), 10_000);
    for (const i of top) {
      const rows = per.filter((r) => r.exporter === i.exporter && r.if_index === i.if_index);
      assert.deepEqual([rows.reduce((a, r) => a + r.bytes_c2s, 0), rows.reduce((a, r) => a + r.bytes_s2c, 0)], [i.bytes_in, i.bytes_out], `per: ${i.exporter} ${i.if_index}`);
    }
    for (const [name, s] of stores) assert.deepEqual(await s.topPer('interfaces', f({ limit: 2 }), 10_000), per.filter((r) => r.rank <= 2), `${name}: top per`);
  });

  test('lab capture: every conversation matches the generator truth on every backend', async () => {
    const lab = { since: '2026-01-01', until: '2026-02-01', limit: 1_000_000 };
    for (const [name, s] of stores) {
      const rows = await s.top('flows', f(lab));
      const got = new Map(rows.map((r) => [conversationKey({ proto: parseProto(r.proto) ?? -1, client: r.client, clientPort: r.client_port, server: r.server, serverPort: r.port, vlan: r.vlan }), r]));
      assert.equal(got.size, truth.conversations.length, `${name}: conversations`);
      for (const c of truth.conversations) {
        const r = got.get(conversationKey(c));
        assert.ok(r, `${name}: ${conversationKey(c)} missing`);
        assert.deepEqual([r.bytes_c2s, r.bytes_s2c, r.packets_c2s, r.packets_s2c], [c.bytesC2s, c.bytesS2c, c.packetsC2s, c.packetsS2c], `${name}: ${conversationKey(c)}`);
      }
    }
  });

  test('stats and scans: the same records everywhere', async () => {
    const ref = stores.get('duckdb') as ManagedStore;
    const want = await ref.stats();
    assert.ok(want.records > RECORDS.length);
    const all = sortRecords(await ref.scan(0, Date.UTC(2100, 0), 1_000_000));
    assert.equal(all.length, want.records);
    const sources = await ref.sources();
    assert.equal(sources.reduce((n, x) => n + x.records, 0), want.records);
    assert.ok(sources.length > 1, sources.map((x) => x.source).join(' '));
    for (const [name, s] of stores) {
      assert.deepEqual(await s.stats(), want, name);
      assert.deepEqual(await s.sources(), sources, `${name}: sources`);
      assert.deepEqual(sortRecords(await s.scan(0, Date.UTC(2100, 0), 1_000_000)), all, `${name}: scan`);
      // A window and its limit: first_seen in [from, to), at most limit + 1 rows.
      const day = await s.scan(T, T + 86_400 * S, 100);
      assert.equal(day.length, RECORDS.length - 1, name);
      assert.equal((await s.scan(T, T + 86_400 * S, 3)).length, 4, `${name}: limit + 1`);
      assert.equal((await s.scan(T + 150_500, T + 150_501, 10)).length, 0, `${name}: half-open window`);
    }
  });

  test('series: identical on every backend, buckets add up to the totals of top', async () => {
    const cases: Array<[RawFilter, number]> = [
      [{}, 60_000],
      [{ since: '2026-11-28T06:00:00Z' }, 1000],
      [{ server: ['192.168.1.240'] }, 120_000],
      [{ client: ['192.168.1.66'], proto: ['tcp'] }, 3_600_000],
      [{ since: '2026-01-01', until: '2026-02-01' }, 10_000],
    ];
    const ref = stores.get('duckdb') as ManagedStore;
    for (const [raw, bucket] of cases) {
      const want = await ref.series(f(raw), bucket);
      assert.ok(want.length > 0, JSON.stringify(raw));
      for (const r of want) assert.equal(Date.parse(r.t) % bucket, 0, `bucket start ${r.t}`);
      const services = await ref.top('services', f({ ...raw, limit: 1_000_000 }));
      const total = <R>(rows: readonly R[], pick: (r: R) => number): number => rows.reduce((a, r) => a + pick(r), 0);
      const tag = JSON.stringify(raw);
      assert.equal(total(want, (r) => r.bytes_c2s), total(services, (r) => r.bytes_c2s), `c2s ${tag}`);
      assert.equal(total(want, (r) => r.bytes_s2c), total(services, (r) => r.bytes_s2c), `s2c ${tag}`);
      assert.equal(total(want, (r) => r.packets_c2s + r.packets_s2c), total(services, (r) => r.packets), `packets ${tag}`);
      for (const [name, s] of stores) assert.deepEqual(await s.series(f(raw), bucket), want, `${name}: series ${JSON.stringify(raw)} / ${bucket}`);
    }
    // The backup edge by hand: records start at T, T+60 s, T+120 s, T+200 s, T+300 s (VLAN 10).
    assert.deepEqual(
      (await ref.series(f({ client: ['192.168.1.69'], server: ['192.168.1.240'], since: '2026-11-28T00:00:00Z' }), 120_000)).map((r) => [r.t, r.bytes_c2s, r.bytes_s2c, r.packets_c2s, r.packets_s2c, r.records]),
      [
        ['2026-11-28T07:00:00.000Z', 3000, 300_000, 30, 300, 2],
        ['2026-11-28T07:02:00.000Z', 600, 50_900, 6, 52, 2],
        ['2026-11-28T07:04:00.000Z', 10, 90, 1, 1, 1],
      ],
    );
  });

  test('edge series: buckets add up to top edges, equal series() of the one edge, identical everywhere', async () => {
    const cases: Array<[RawFilter, number]> = [
      [{}, 60_000],
      [LAB, 120_000],
      [{ since: '2026-11-28T07:01:00Z', until: '2026-11-28T07:02:10Z' }, 1000],
      [{ subnet: ['2001:db8::/32'] }, 3_600_000],
      [{ host: ['192.168.1.66'], exclude: ['192.168.1.151'] }, 60_000],
      [{ port: ['443', '53'], proto: ['tcp', 'udp'], since: '2026-11-28T00:00:00Z' }, 10_000],
      [{ since: '2026-01-01', until: '2026-02-01' }, 10_000],
    ];
    const ref = stores.get('duckdb') as ManagedStore;
    for (const [raw, bucket] of cases) {
      const tag = `${JSON.stringify(raw)} / ${bucket}`;
      const edges = await ref.top('edges', f({ ...raw, limit: 1_000_000 }));
      assert.ok(edges.length > 0, tag);
      // minBytes and limit do not apply to edgeSeries.
      const want = await ref.edgeSeries(f({ ...raw, minBytes: '1G', limit: 1 }), bucket, edges);
      assert.deepEqual(await ref.edgeSeries(f(raw), bucket, edges), want, tag);
      const per = seriesByEdge(want);
      assert.deepEqual([...per.keys()], edges.map(edgeText), `${tag}: grouped by edge in the order given`);
      for (const e of edges) checkEdgeBuckets(e, per.get(edgeText(e)) ?? [], bucket, tag);
      // A few edges against series() filtered down to that edge alone.
      for (const e of edges.filter((_, i) => i % Math.ceil(edges.length / 6) === 0)) {
        const alone = await ref.series(f({ ...raw, client: [e.client], server: [e.server], port: [String(e.port)], proto: [e.proto] }), bucket);
        assert.deepEqual(per.get(edgeText(e))?.map(seriesPart), alone, `${tag}: ${edgeText(e)}`);
      }
      for (const [name, s] of stores) assert.deepEqual(await s.edgeSeries(f(raw), bucket, edges), want, `${name}: ${tag}`);
    }
  });

  test('keyed series (talkers, services): buckets add up to top, equal series() of the one key, identical everywhere', async () => {
    const cases: Array<[RawFilter, number]> = [
      [{}, 60_000],
      [LAB, 120_000],
      [{ subnet: ['2001:db8::/32'] }, 3_600_000],
      [{ port: ['443', '53'], proto: ['tcp', 'udp'], since: '2026-11-28T00:00:00Z' }, 10_000],
    ];
    const ref = stores.get('duckdb') as ManagedStore;
    const sum = (rows: readonly SeriesRow[]) => rows.reduce((a, r) => [a[0] + r.bytes_c2s, a[1] + r.bytes_s2c, a[2] + r.packets_c2s + r.packets_s2c], [0, 0, 0]);
    for (const [raw, bucket] of cases) {
      const tag = `${JSON.stringify(raw)} / ${bucket}`;
      const talkers = await ref.top('talkers', f({ ...raw, limit: 1_000_000 }));
      const services = await ref.top('services', f({ ...raw, limit: 1_000_000 }));
      assert.ok(talkers.length > 0 && services.length > 0, tag);
      // A host given twice is answered once, at its first place.
      const hosts = [...talkers.map((t) => t.host), talkers[0].host];
      const byHost = await ref.keyedSeries(f(raw), bucket, { by: 'talkers', hosts });
      const bySvc = await ref.keyedSeries(f(raw), bucket, { by: 'services', services });
      talkers.forEach((t, i) => {
        const rows = byHost.filter((r) => r.key === i);
        assert.ok(rows.every((r) => Date.parse(r.t) % bucket === 0), `${tag}: ${t.host} aligned`);
        assert.deepEqual(sum(rows), [t.bytes_sent, t.bytes_received, t.packets], `${tag}: ${t.host} sums to top talkers`);
      });
      assert.ok(byHost.every((r) => r.key < talkers.length), `${tag}: duplicate answered once`);
      services.forEach((sv, i) => assert.deepEqual(sum(bySvc.filter((r) => r.key === i)), [sv.bytes_c2s, sv.bytes_s2c, sv.packets], `${tag}: ${sv.port}/${sv.proto}`));
      const sv = services[0];
      const alone = await ref.series(f({ ...raw, port: [String(sv.port)], proto: [sv.proto] }), bucket);
      assert.deepEqual(bySvc.filter((r) => r.key === 0).map(seriesPart), alone, `${tag}: one service = series()`);
      for (const [name, st] of stores) {
        assert.deepEqual(await st.keyedSeries(f(raw), bucket, { by: 'talkers', hosts }), byHost, `${name}: ${tag} talkers`);
        assert.deepEqual(await st.keyedSeries(f(raw), bucket, { by: 'services', services }), bySvc, `${name}: ${tag} services`);
      }
    }
  });

  test('top per interval: every bucket ranked, the top N a prefix, sums equal series(), identical everywhere', async () => {
    const ref = stores.get('duckdb') as ManagedStore;
    for (const [raw, bucket] of [[{}, 60_000], [LAB, 120_000], [{ since: '2026-11-28T00:00:00Z' }, 10_000]] as Array<[RawFilter, number]>) {
      const series = await ref.series(f(raw), bucket);
      for (const kind of ['edges', 'talkers', 'services'] as const) {
        const tag = `${kind} ${JSON.stringify(raw)} / ${bucket}`;
        const all = await ref.topPer(kind, f({ ...raw, limit: 100_000 }), bucket);
        // Per bucket: ranks 1..n by bytes; a talker's sent bytes add up to all bytes of the bucket.
        for (const b of series) {
          const rows = all.filter((r) => r.t === b.t);
          assert.deepEqual(rows.map((r) => r.rank), rows.map((_, i) => i + 1), tag);
          assert.ok(rows.every((r, i) => i === 0 || rows[i - 1].bytes >= r.bytes), `${tag}: by bytes`);
          const c2s = rows.reduce((s, r) => s + r.bytes_c2s, 0);
          assert.equal(c2s, kind === 'talkers' ? b.bytes_c2s + b.bytes_s2c : b.bytes_c2s, `${tag} ${b.t}`);
        }
        assert.deepEqual(new Set(all.map((r) => r.t)), new Set(series.map((b) => b.t)), tag);
        const top2 = await ref.topPer(kind, f({ ...raw, limit: 2 }), bucket);
        assert.deepEqual(top2, all.filter((r) => r.rank <= 2), `${tag}: top 2`);
        for (const [name, st] of stores) assert.deepEqual(await st.topPer(kind, f({ ...raw, limit: 2 }), bucket), top2, `${name}: ${tag}`);
      }
    }
  });

  test('edge series: IPv6, absent edges, duplicates, more edges than one query takes', async () => {
    const ref = stores.get('duckdb') as ManagedStore;
    const raw = { since: '2026-01-01' };
    const edges = await ref.top('edges', f({ ...raw, limit: 1_000_000 }));
    assert.ok(edges.some((e) => e.client.includes(':')), 'IPv6 edges in the data');
    // 1500 edges that have no records, interleaved with the real ones: two queries of 1000 edges.
    const absent = Array.from({ length: 1500 }, (_, i): EdgeRef => (i % 2 ? { client: `2001:db8:ffff::${i.toString(16)}`, server: '2001:db8::20', port: 443, proto: 'tcp' } : { client: '10.255.0.1', server: '10.255.0.2', port: i, proto: 'udp' }));
    assert.ok(edges.length < absent.length);
    const mixed = absent.flatMap((a, i) => (i < edges.length ? [a, edges[edges.length - 1 - i]] : [a]));
    const backup: EdgeRef = { client: '::FFFF:192.168.1.69', server: '192.168.1.240', port: 902, proto: '6' };
    mixed.push(edges[0], backup);
    const bucket = 60_000;
    const want = (await Promise.all([...edges].reverse().map((e) => ref.edgeSeries(f(raw), bucket, [e])))).flat();
    for (const [name, s] of stores) {
      const got = await s.edgeSeries(f(raw), bucket, mixed);
      assert.deepEqual(got, want, `${name}: the real edges' rows, in the order given, each edge once`);
      assert.deepEqual(await s.edgeSeries(f(raw), bucket, []), [], `${name}: no edges`);
      const byValue = await s.edgeSeries(f(raw), bucket, [backup]);
      assert.deepEqual(byValue.map(seriesPart), (await s.edgeSeries(f(raw), bucket, [{ client: '192.168.1.69', server: '192.168.1.240', port: 902, proto: 'tcp' }])).map(seriesPart), `${name}: matched by address value`);
      assert.equal(byValue[0]?.client, backup.client, `${name}: rows name the edge as the caller did`);
      const v6 = edges.find((e) => e.server === '2001:db8::20');
      assert.ok(v6, 'the IPv6 fixture edge');
      assert.deepEqual((await s.edgeSeries(f(raw), 3_600_000, [v6])).map((r) => [r.t, r.bytes_c2s, r.bytes_s2c, r.records]), [['2026-11-28T07:00:00.000Z', 300, 700, 1]], name);
    }
  });

  test('names: captured by the lab ingest and appended by hand, read back identically everywhere', async () => {
    const hostile = ["<script>alert('x')</script>", '=cmd|\' /C calc\'!A0', 'tab\tand \\ back', 'köln-ñ-東京.example', 'x'.repeat(253)];
    const ref = stores.get('duckdb') as ManagedStore;
    for (const s of stores.values()) {
      await s.appendNames(hostile.map((name, i) => ({ address: i % 2 ? '2001:db8::10' : '192.168.1.66', name, source: 'dns' as const, first_seen: '2026-11-28T07:00:00.000Z', last_seen: `2026-11-28T07:00:0${i}.000Z` })));
      // The same observation again: aggregated, not doubled.
      await s.appendNames([{ address: '192.168.1.66', name: hostile[0], source: 'dns', first_seen: '2026-11-28T06:00:00.000Z', last_seen: '2026-11-28T06:30:00.000Z' }]);
    }
    const addresses = ['192.168.1.66', '2001:db8::10', '10.9.9.9', ...truth.conversations.slice(0, 200).flatMap((c) => [c.client, c.server])];
    const order = (rows: Awaited<ReturnType<ManagedStore['names']>>) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const want = order(await ref.names(addresses));
    assert.ok(want.filter((r) => r.source === 'dns' && r.address === '192.168.1.66').length >= 3);
    assert.deepEqual(
      want.find((r) => r.name === hostile[0]),
      { address: '192.168.1.66', name: hostile[0], source: 'dns', first_seen: '2026-11-28T06:00:00.000Z', last_seen: '2026-11-28T07:00:00.000Z' },
    );
    for (const [name, s] of stores) assert.deepEqual(order(await s.names(addresses)), want, name);
  });

  test('exporter health: runs saved, a run replaced by its next save, the same sums everywhere', async () => {
    const row = (exporter: string, datagrams: number, lastSeen: string | null, rate: number) => ({
      exporter, domain: 256, protocol: 'ipfix', datagrams, records: datagrams * 30, sequence_gaps: 1, template_misses: 2, errors: 3,
      error_reasons: { "set length beyond datagram 'x'": 3 }, sampling_rate: rate, kernel_drops: 5, last_seen: lastSeen,
    });
    const want = [
      { ...row('192.0.2.1', 30, '2026-11-28T07:00:02.000Z', 100), records: 900, sequence_gaps: 2, template_misses: 4, errors: 6, error_reasons: { "set length beyond datagram 'x'": 6 }, kernel_drops: 10 },
      row('2001:db8::1', 7, null, 0),
    ];
    for (const [name, s] of stores) {
      await s.saveExporterHealth('run-a', [row('192.0.2.1', 10, '2026-11-28T07:00:00.000Z', 10)]);
      await s.saveExporterHealth('run-b', [row('192.0.2.1', 10, '2026-11-28T07:00:02.000Z', 100), row('2001:db8::1', 7, null, 0)]);
      // run-a's next save replaces its first one.
      await s.saveExporterHealth('run-a', [row('192.0.2.1', 20, '2026-11-28T07:00:01.000Z', 10)]);
      assert.deepEqual(await s.exporterHealth(), want, name);
    }
  });

  test('marks: absent, set with a batch, replaced', async () => {
    for (const [name, s] of stores) {
      assert.equal(await s.getMark('ntopng:test/flowsv4'), null, name);
      await s.append([], { key: 'ntopng:test/flowsv4', value: '41' });
      assert.equal(await s.getMark('ntopng:test/flowsv4'), '41', name);
      await s.append([], { key: 'ntopng:test/flowsv4', value: "42 'quoted' \\ \t" });
      assert.equal(await s.getMark('ntopng:test/flowsv4'), "42 'quoted' \\ \t", name);
    }
  });

  test('retention: records that ended before the cutoff are deleted, the same on every backend', async () => {
    const results: unknown[] = [];
    for (const b of backends.all) {
      const s = await openStore(b.fresh('retention'));
      try {
        await s.append(RECORDS);
        const gen = new LabGenerator({ ...LAB_OPTS, packets: 2000 });
        await ingestCapture(gen.stream(), 'lab', { store: s, services: ServiceRegistry.builtin(), ...DEFAULT_FLOWS });
        const before = (await s.stats()).records;
        // Everything of the lab capture (January) and yesterday's record go; today's stay.
        const removed = await s.purge(T - 3600 * S);
        assert.equal(removed, before - (RECORDS.length - 1), b.name);
        assert.equal(await s.purge(T - 3600 * S), 0, `${b.name}: idempotent`);
        // A cutoff inside a day partition: only the five records that ended before it.
        assert.equal(await s.purge(T + 61 * S), 5, `${b.name}: boundary`);
        results.push([b.name, await s.stats(), await s.top('edges', f({}))]);
      } finally {
        await s.close();
      }
    }
    for (const r of results.slice(1)) assert.deepEqual((r as unknown[]).slice(1), (results[0] as unknown[]).slice(1), String((r as unknown[])[0]));
    assert.deepEqual((results[0] as [string, { records: number }])[1].records, RECORDS.length - 6);
  });
});
