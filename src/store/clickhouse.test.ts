/**
 * ClickHouse specifics against real 18.16 servers: the one escaping path for literals and TSV
 * (property-tested by round trips through the server), the cluster layout, and clear errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startClickHouse, type ClickHouseLab } from '../testing/clickhouse.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { parseFilter } from '../filter/parse.js';
import { NOW, RECORDS } from '../testing/records.js';
import { chIdent, chLiteral, chString, clickhouseDialect, tsvField } from './clickhouse-sql.js';
import { toRow, type JsRow } from './rows.js';
import type { EdgeRow } from './store.js';
import { edgeSumsQuery, type BuiltQuery } from './sql.js';
import { runSqlTop } from './sql-top.js';
import { runEdgeSeries } from './sql-edge-series.js';
import { ClickHouseHttp } from './clickhouse-http.js';
import { openStore } from './open.js';
import { LEGACY_STARTS, MIGRATIONS } from './schema.js';

const hexOf = (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase();

describe('ClickHouse 18.16', () => {
  let single: ClickHouseLab;
  let cluster: ClickHouseLab;
  let http: ClickHouseHttp;

  before(async () => {
    [single, cluster] = await Promise.all([startClickHouse(1), startClickHouse(2)]);
    http = new ClickHouseHttp({ url: single.urls[0], user: 'default', password: '' });
  });
  after(async () => {
    await Promise.all([single?.stop(), cluster?.stop()]);
  });

  test('chString: any text comes back byte for byte', async () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom("'", '\\', "\\'", "'; DROP TABLE flows; --", '\0', '\x7f', '\u2028', '\\x41', '\\\n'));
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 20 }), async (xs) => {
        const got = await http.rows<{ h: string[] }>(`SELECT [${xs.map((x) => `hex(${chString(x)})`).join(', ')}] AS h`);
        assert.deepEqual(got[0].h, xs.map(hexOf));
      }),
      { numRuns: 150 },
    );
  });

  test('tsvField: any text survives an INSERT body', async () => {
    await http.exec('CREATE TABLE IF NOT EXISTS default.tsv_rt (i UInt32, s String) ENGINE = Memory');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 30 }), async (xs) => {
        await http.exec('TRUNCATE TABLE default.tsv_rt');
        await http.insertTsv('default.tsv_rt', ['i', 's'], xs.map((x, i) => `${i}\t${tsvField(x)}`).join('\n') + '\n');
        const got = await http.rows<{ h: string }>('SELECT hex(s) AS h FROM default.tsv_rt ORDER BY i');
        assert.deepEqual(got.map((r) => r.h), xs.map(hexOf));
      }),
      { numRuns: 100 },
    );
  });

  test('chLiteral: typed numbers round-trip; anything else is refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer(), fc.integer({ min: 0, max: 2 ** 42 }), async (u, i, ms) => {
        const [r] = await http.rows<Record<string, string | number>>(
          `SELECT toString(${chLiteral({ type: 'u64', value: u })}) AS u, toString(${chLiteral({ type: 'int', value: i })}) AS i, toString(${chLiteral({ type: 'time', ms })}) AS t`,
        );
        assert.deepEqual(r, { u: u.toString(), i: String(i), t: String(ms) });
      }),
      { numRuns: 100 },
    );
    assert.throws(() => chLiteral({ type: 'u64', value: -1n }), FlowmapError);
    assert.throws(() => chLiteral({ type: 'u64', value: 1n << 64n }), FlowmapError);
    assert.throws(() => chLiteral({ type: 'int', value: 1.5 }), FlowmapError);
    assert.throws(() => chLiteral({ type: 'int', value: Number.NaN }), FlowmapError);
    assert.throws(() => chIdent('flows; DROP'), FlowmapError);
  });

  test('cluster: one local table per shard, records spread over both, queries see all', async () => {
    const spec = cluster.spec('fm_layout');
    const s = await openStore(spec);
    try {
      const many = Array.from({ length: 200 }, (_, i) => ({ ...RECORDS[i % RECORDS.length], clientPort: 1000 + i }));
      await s.append(many);
      assert.equal((await s.stats()).records, 200);
      const perShard = await Promise.all(cluster.urls.map(async (u) => Number((await new ClickHouseHttp({ url: u, user: 'default', password: '' }, 'fm_layout').rows<{ n: string }>('SELECT count() AS n FROM flows_local'))[0].n)));
      assert.equal(perShard[0] + perShard[1], 200);
      assert.ok(perShard[0] > 0 && perShard[1] > 0, `both shards hold records: ${perShard.join(', ')}`);
      const engines = await new ClickHouseHttp({ url: cluster.urls[1], user: 'default', password: '' }).rows<{ name: string; engine: string }>(
        "SELECT name, engine FROM system.tables WHERE database = 'fm_layout' AND name LIKE 'flows%' ORDER BY name",
      );
      assert.deepEqual(engines, [{ name: 'flows', engine: 'Distributed' }, { name: 'flows_local', engine: 'MergeTree' }]);
    } finally {
      await s.close();
    }
  });

  test('top edges grouped by hash: a collision in the top N falls back to exact grouping; pass 2 in chunks; same answer', async () => {
    const s = await openStore(single.spec('fm_hash'));
    try {
      await s.append(RECORDS);
      const f = parseFilter({ limit: 5 }, NOW);
      const run = (q: BuiltQuery) => http.rows<JsRow>(q.sql.replace(/\bflows\b/g, 'fm_hash.flows'));
      // Every edge of one port in one group: the hashed pass sees mixed groups and must not use them.
      const colliding = { ...clickhouseDialect, hash64: () => 'server_port' };
      const mixed = await http.rows<JsRow>(edgeSumsQuery(f, colliding).sql.replace(/\bflows\b/g, 'fm_hash.flows'));
      assert.ok(mixed.some((r) => Number(r.one_edge) === 0), 'the test data has colliding edges in the top N');
      const want = (await s.top('edges', f)).map((r) => JSON.stringify(r));
      assert.ok(want.length > 1);
      assert.deepEqual((await runSqlTop('edges', f, colliding, run)).map((r) => JSON.stringify(toRow('edges', r))), want);
      // No rows from before schema version 6: one query, connections from pass 1.
      const sent: string[] = [];
      await runSqlTop('edges', f, clickhouseDialect, (q) => (sent.push(q.sql), run(q)));
      assert.equal(sent.length, 1);
      // Edge series in chunks of two edges: the same rows as in one query.
      const edges = await s.top('edges', parseFilter({ limit: 100 }, NOW));
      const series = await s.edgeSeries(f, 60_000, edges);
      assert.ok(edges.length > 4 && series.length > edges.length);
      assert.deepEqual(await runEdgeSeries(f, 60_000, edges, clickhouseDialect, run, 2), series);
    } finally {
      await s.close();
    }
  });

  test('top edges with rows from before schema version 6: pass 2 (in chunks) for just the edges that have some', async () => {
    const s = await openStore(single.spec('fm_legacy'));
    try {
      // Every other record as an old store's (starts unknown): counted as distinct client port and VLAN.
      const records = RECORDS.map((r, i) => (i % 2 ? { ...r, starts: LEGACY_STARTS } : r));
      await s.append(records);
      const f = parseFilter({ limit: 5 }, NOW);
      const run = (q: BuiltQuery) => http.rows<JsRow>(q.sql.replace(/\bflows\b/g, 'fm_legacy.flows'));
      // Edge rows name the protocol, records number it: one protocol per client, server and port here.
      const key = (r: { client: string; server: string; serverPort: number }) => `${r.client}>${r.server}:${r.serverPort}`;
      const want = new Map<string, { starts: number; ports: Set<string> }>();
      for (const r of records) {
        const e = want.get(key(r)) ?? { starts: 0, ports: new Set<string>() };
        if (r.starts === LEGACY_STARTS) e.ports.add(`${r.clientPort}/${r.vlan}`);
        else e.starts += r.starts;
        want.set(key(r), e);
      }
      const sent: string[] = [];
      const got = (await runSqlTop('edges', f, clickhouseDialect, (q) => (sent.push(q.sql), run(q)), 2)).map((r) => toRow('edges', r) as EdgeRow);
      assert.ok(got.length > 2);
      for (const r of got) {
        const e = want.get(key({ client: r.client, server: r.server, serverPort: r.port }));
        assert.equal(r.connections, (e?.starts ?? NaN) + (e?.ports.size ?? NaN), `${r.client}>${r.server}:${r.port}`);
      }
      const legacyEdges = got.filter((r) => want.get(key({ client: r.client, server: r.server, serverPort: r.port }))?.ports.size);
      assert.ok(legacyEdges.length > 2, 'edges with old rows in the top N');
      // Pass 1, then pass 2 in chunks of two edges, only for the edges with old rows.
      assert.equal(sent.length, 1 + Math.ceil(legacyEdges.length / 2));
      assert.deepEqual(await s.top('edges', f), got);
    } finally {
      await s.close();
    }
  });

  test('clear errors: unreachable server, missing database for a reader, unknown cluster', async () => {
    await assert.rejects(openStore('clickhouse://default@127.0.0.1:1/fm'), (e: unknown) => e instanceof FlowmapError && /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1/.test(e.message));
    const host = single.urls[0].replace('http://', '');
    await assert.rejects(openStore(`clickhouse://default@${host}/fm_missing`, { readOnly: true }), (e: unknown) => e instanceof UsageError && /no flows stored yet/.test(e.message));
    await assert.rejects(openStore(`clickhouse://default@${host}/fm_x?cluster=nope`), (e: unknown) => e instanceof UsageError && /no cluster "nope"/.test(e.message));
    await assert.rejects(openStore(`clickhouse://default:wrong@${host}/fm_x`), (e: unknown) => e instanceof FlowmapError && /password/i.test(e.message));
  });

  test('a reader sees what a writer stored; a second init is a no-op', async () => {
    const spec = single.spec('fm_rw');
    const w = await openStore(spec);
    await w.append(RECORDS);
    await w.close();
    const again = await openStore(spec);
    await again.close();
    const r = await openStore(spec, { readOnly: true });
    assert.equal((await r.stats()).records, RECORDS.length);
    await r.close();
    const versions = await new ClickHouseHttp({ url: single.urls[0], user: 'default', password: '' }, 'fm_rw').rows<{ version: number }>('SELECT version FROM schema_version ORDER BY version');
    assert.deepEqual(versions, MIGRATIONS.map((m) => ({ version: m.version })));
  });
});
