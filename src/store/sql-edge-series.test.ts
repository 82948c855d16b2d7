import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../filter/parse.js';
import { UsageError } from '../util/errors.js';
import { clickhouseDialect } from './clickhouse-sql.js';
import type { JsRow } from './rows.js';
import { edgeKeyOf, runEdgeSeries } from './sql-edge-series.js';
import { duckdbDialect, edgeSeriesQuery, type BuiltQuery } from './sql.js';
import type { EdgeRef } from './store.js';

const NOW = Date.UTC(2026, 10, 28, 8);
const f = parseFilter({ subnet: ['10.0.0.0/8', '2001:db8::/32'], since: '2h' }, NOW);
const edge = (i: number): EdgeRef => (i % 2 ? { client: `10.0.0.${i}`, server: '10.0.1.1', port: 443, proto: 'tcp' } : { client: `2001:db8::${i + 1}`, server: '2001:db8::ffff', port: 53, proto: 'udp' });

/** A result row of edgeSeriesQuery for an edge: key columns as a driver may give them (decimal text). */
function row(e: EdgeRef, tMs: number, bytes: number): JsRow {
  const k = edgeKeyOf(e);
  return { ...Object.fromEntries(Object.entries(k).map(([c, v]) => [c, String(v)])), t_ms: tMs, c2s_bytes: bytes, s2c_bytes: 0, c2s_packets: 1, s2c_packets: 0, records: 1 };
}

test('edge series: one query per chunk of edges, rows in the caller\'s edge order, no query for no edges', async () => {
  const edges = Array.from({ length: 7 }, (_, i) => edge(i));
  const queries: BuiltQuery[] = [];
  // A fake engine: answers each chunk's edges in reverse key order, two buckets each.
  const run = async (q: BuiltQuery): Promise<JsRow[]> => {
    const chunk = edges.slice(queries.length * 3, queries.length * 3 + 3);
    queries.push(q);
    return chunk.reverse().flatMap((e, i) => [row(e, 60_000, i), row(e, 120_000, i + 10)]);
  };
  const rows = await runEdgeSeries(f, 60_000, [...edges, edges[0]], duckdbDialect, run, 3);
  assert.equal(queries.length, 3);
  const filterParams = edgeSeriesQuery(f, 60_000, [edgeKeyOf(edges[0])], duckdbDialect).params.length - 6;
  assert.deepEqual(queries.map((q) => q.params.length), [3, 3, 1].map((n) => filterParams + 6 * n));
  assert.deepEqual(rows.map((r) => `${r.client} ${r.t}`), edges.flatMap((e) => [`${e.client} 1970-01-01T00:01:00.000Z`, `${e.client} 1970-01-01T00:02:00.000Z`]));
  assert.deepEqual(Object.keys(rows[0]), ['client', 'server', 'port', 'proto', 't', 'bytes_c2s', 'bytes_s2c', 'packets_c2s', 'packets_s2c', 'records']);
  queries.length = 0;
  assert.deepEqual(await runEdgeSeries(f, 60_000, [], duckdbDialect, run), []);
  assert.equal(queries.length, 0);
});

test('edge series SQL: every value a bound parameter (or a typed literal), placeholders numbered in order', () => {
  const keys = [edge(1), edge(2)].map(edgeKeyOf);
  const q = edgeSeriesQuery(f, 300_000, keys, duckdbDialect);
  assert.ok(!/'/.test(q.sql) && !q.sql.includes('10.0.0.1'));
  const numbers = [...q.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
  assert.equal(numbers.length, q.params.length);
  assert.match(q.sql, /GROUP BY client_hi, client_lo, server_hi, server_lo, server_port, proto, t_ms/);
  const ch = edgeSeriesQuery(f, 300_000, keys, clickhouseDialect).sql;
  assert.match(ch, /^FROM flows PREWHERE last_seen >= toUInt64\(\d+\) WHERE /m);
  // 10.0.0.1 held IPv4-mapped: hi 0, lo ::ffff:10.0.0.1.
  assert.ok(ch.includes(`IN ((toUInt64(0), toUInt64(${0xffff0a000001n}), toUInt64(0), toUInt64(${0xffff0a000101n}), 443, 6), `), ch);
  assert.throws(() => edgeSeriesQuery(f, 1500, keys, duckdbDialect), RangeError);
});

test('edge series: edges no record can have are usage errors', async () => {
  const run = async (): Promise<JsRow[]> => [];
  for (const bad of [{ proto: 'tcpx' }, { port: 70000 }, { port: 1.5 }, { client: '10.0.0.256' }, { server: "x'; DROP TABLE flows" }]) {
    await assert.rejects(runEdgeSeries(f, 60_000, [{ ...edge(1), ...bad }], duckdbDialect, run), UsageError, JSON.stringify(bad));
  }
  await assert.rejects(runEdgeSeries(f, 999, [], duckdbDialect, run), RangeError);
});
