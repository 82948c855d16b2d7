import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../filter/parse.js';
import { duckdbDialect, edgeConnectionsQuery, edgeSumsQuery, topQuery, whereSql, ParamList, type SqlDialect } from './sql.js';
import { clickhouseDialect } from './clickhouse-sql.js';
import type { TopKind } from './store.js';
import { UsageError } from '../util/errors.js';

const NOW = Date.UTC(2026, 10, 28, 8);
const KINDS: TopKind[] = ['edges', 'talkers', 'services', 'flows'];

test('the workflow filter becomes range comparisons with bound parameters', () => {
  const f = parseFilter({ subnet: ['192.168.1.0/24'], exclude: ['192.168.1.151'] }, NOW);
  const p = new ParamList(duckdbDialect);
  const sql = whereSql(f, p);
  assert.equal(
    sql,
    '(client_hi = $1 AND client_lo BETWEEN $2 AND $3) AND (server_hi = $4 AND server_lo BETWEEN $5 AND $6)' +
      ' AND NOT ((client_hi = $7 AND client_lo = $8) OR (server_hi = $9 AND server_lo = $10))',
  );
  assert.deepEqual(p.params.slice(0, 3), [
    { type: 'u64', value: 0n },
    { type: 'u64', value: 0xffffc0a80100n },
    { type: 'u64', value: 0xffffc0a801ffn },
  ]);
});

test('empty filter is a no-op condition; /0 and /64 skip the low half', () => {
  assert.equal(whereSql(parseFilter({}, NOW), new ParamList(duckdbDialect)), '1 = 1');
  assert.equal(whereSql(parseFilter({ host: ['2001:db8::/48'] }, NOW), new ParamList(duckdbDialect)), '(client_hi BETWEEN $1 AND $2 OR server_hi BETWEEN $3 AND $4)');
});

test('SQL text depends only on the filter shape, never on user values', () => {
  const a = parseFilter(
    { subnet: ['10.0.0.0/8', '2001:db8::/32'], exclude: ['10.0.0.7'], host: ['10.1.0.0/16'], port: ['443,8443'], proto: ['tcp'], since: '2h', until: 'now', minBytes: '10M', limit: 5 },
    NOW,
  );
  const b = parseFilter(
    { subnet: ['172.16.0.0/12', 'fd00::/8'], exclude: ['172.16.9.9'], host: ['172.17.0.0/16'], port: ['22,53'], proto: ['udp'], since: '2026-01-01', until: '2026-02-01', minBytes: '1', limit: 999 },
    NOW,
  );
  for (const kind of KINDS) {
    const qa = topQuery(kind, a, duckdbDialect);
    const qb = topQuery(kind, b, duckdbDialect);
    assert.equal(qa.sql, qb.sql, kind);
    assert.equal(qa.params.length, qb.params.length);
    assert.ok(!/'/.test(qa.sql), 'no string literals at all');
    const max = Math.max(...[...qa.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    assert.equal(max, qa.params.length, `${kind}: every parameter is referenced`);
  }
});

test('hostile values never reach SQL: the parser rejects them', () => {
  for (const raw of [{ subnet: ["1.2.3.4'; DROP TABLE flows;--"] }, { port: ['1); DROP TABLE flows;--'] }, { proto: ["tcp' OR '1'='1"] }, { limit: '1; DELETE FROM flows' }]) {
    assert.throws(() => parseFilter(raw, NOW), UsageError);
  }
});

test('a literal dialect (ClickHouse style) inlines only typed numbers; time window as PREWHERE', () => {
  const f = parseFilter({ subnet: ['192.168.1.0/24'], port: ['902'], since: '1h', minBytes: '1k', limit: 3 }, NOW);
  const q = edgeSumsQuery(f, clickhouseDialect);
  assert.ok(!q.sql.includes('$'));
  assert.match(q.sql, /PREWHERE last_seen >= toUInt64\(\d+\) WHERE /);
  assert.match(q.sql, /server_port IN \(902\)/);
  assert.match(q.sql, /HAVING sum\(bytes_c2s \+ bytes_s2c\) >= toUInt64\(1000\)/);
  assert.match(q.sql, /LIMIT 3$/);
  assert.match(q.sql, /GROUP BY cityHash64\(client_hi, client_lo, server_hi, server_lo, server_port, proto\)/);
  assert.match(edgeSumsQuery(f, clickhouseDialect, true).sql, /GROUP BY client_hi, client_lo, server_hi, server_lo, server_port, proto /);
  // One pass for connections: starts summed, rows from before schema 6 counted for pass 2; no distinct count.
  assert.match(q.sql, /any\(client_hi\) AS k_client_hi, .*k_client_hi = max\(client_hi\)/);
  assert.match(q.sql, /sum\(CASE WHEN starts = 255 THEN 0 ELSE starts END\) AS starts_sum, sum\(CASE WHEN starts = 255 THEN 1 ELSE 0 END\) AS legacy_rows/);
  assert.doesNotMatch(q.sql, /uniqExact/);
  const edge = { client_hi: '0', client_lo: '281473913979148', server_hi: 0n, server_lo: 281473913979149n, server_port: 902, proto: '6' };
  const c = edgeConnectionsQuery(f, [edge], clickhouseDialect);
  assert.match(c.sql, /sum\(CASE WHEN starts = 255 THEN 0 ELSE starts END\) \+ uniqExactIf\(client_port, vlan, starts = 255\)/);
  assert.match(c.sql, /\(client_hi, client_lo, server_hi, server_lo, server_port, proto\) IN \(\(toUInt64\(0\), toUInt64\(281473913979148\), toUInt64\(0\), toUInt64\(281473913979149\), 902, 6\)\)/);
  assert.throws(() => topQuery('edges', f, clickhouseDialect), /runSqlTop/);
});

test('two-query top edges with ? placeholders: the filter values first, then the edges, one per placeholder', () => {
  const q: SqlDialect = { ...duckdbDialect, semiJoin: false, placeholder: () => '?' };
  const f = parseFilter({ subnet: ['192.168.1.0/24'], since: '6h', limit: 2 }, NOW);
  const edge = { client_hi: 0n, client_lo: 1n, server_hi: 0n, server_lo: 2n, server_port: 443, proto: 6 };
  const c = edgeConnectionsQuery(f, [edge, edge], q);
  assert.equal((c.sql.match(/\?/g) ?? []).length, c.params.length);
  assert.equal(c.params.length, 7 + 12);
  assert.deepEqual(c.params.slice(7, 9), [{ type: 'u64', value: 0n }, { type: 'u64', value: 1n }]);
  assert.match(c.sql, /last_seen >= \? AND \(client_hi/);
});

test('two-phase top edges (DuckDB): one parameter per placeholder, the filter in both passes', () => {
  const f = parseFilter({ subnet: ['192.168.1.0/24'], exclude: ['192.168.1.151'], since: '6h', minBytes: '1k', limit: 10 }, NOW);
  const q = topQuery('edges', f, duckdbDialect);
  const placeholders = [...q.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(Math.max(...placeholders), q.params.length);
  assert.equal(new Set(placeholders).size, q.params.length, 'every parameter used');
  assert.match(q.sql, /SEMI JOIN top_edges/);
  assert.equal((q.sql.match(/last_seen >= /g) ?? []).length, 2);
  const t = topQuery('talkers', f, duckdbDialect);
  const tp = [...t.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(new Set(tp).size, t.params.length, 'every parameter used once');
  assert.equal(Math.max(...tp), t.params.length);
  assert.match(t.sql, /SEMI JOIN top_hosts ON server_hi/);
  assert.equal((t.sql.match(/last_seen >= /g) ?? []).length, 4);
});

test('a ?-placeholder dialect gets one parameter per placeholder, talkers repeat the filter', () => {
  const q: SqlDialect = { ...duckdbDialect, semiJoin: false, placeholder: () => '?' };
  const f = parseFilter({ host: ['10.0.0.1'], port: ['22'] }, NOW);
  const t = topQuery('talkers', f, q);
  assert.equal((t.sql.match(/\?/g) ?? []).length, t.params.length);
  assert.equal(t.params.length, 2 * (4 + 1) + 1); // (host: hi+lo per side, port) twice, then limit
});
