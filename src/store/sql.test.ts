import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../filter/parse.js';
import { duckdbDialect, topQuery, whereSql, ParamList, type SqlDialect, type SqlParam } from './sql.js';
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

test('a literal dialect (ClickHouse style) inlines only typed numbers', () => {
  const literal = (p: SqlParam): string => (p.type === 'u64' ? `toUInt64(${p.value.toString()})` : p.type === 'int' ? String(Math.trunc(p.value)) : p.type === 'time' ? `toUInt64(${Math.trunc(p.ms)})` : `'${p.value.replace(/[\\']/g, '\\$&')}'`);
  const ch: SqlDialect = { ...duckdbDialect, semiJoin: false, name: 'clickhouse-test', literal, epochMs: (e) => e, countDistinct: (xs) => `uniqExact(${xs.join(', ')})` };
  const f = parseFilter({ subnet: ['192.168.1.0/24'], port: ['902'], since: '1h', minBytes: '1k', limit: 3 }, NOW);
  const q = topQuery('edges', f, ch);
  assert.ok(!q.sql.includes('$'));
  assert.match(q.sql, /server_port IN \(902\)/);
  assert.match(q.sql, /HAVING sum\(bytes_c2s \+ bytes_s2c\) >= toUInt64\(1000\)/);
  assert.match(q.sql, /LIMIT 3$/);
  assert.match(q.sql, /uniqExact\(client_port, vlan\)/);
});

test('two-phase top edges (DuckDB): one parameter per placeholder, the filter in both passes', () => {
  const f = parseFilter({ subnet: ['192.168.1.0/24'], exclude: ['192.168.1.151'], since: '6h', minBytes: '1k', limit: 10 }, NOW);
  const q = topQuery('edges', f, duckdbDialect);
  const placeholders = [...q.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(Math.max(...placeholders), q.params.length);
  assert.equal(new Set(placeholders).size, q.params.length, 'every parameter used');
  assert.match(q.sql, /SEMI JOIN top_edges/);
  assert.equal((q.sql.match(/last_seen >= /g) ?? []).length, 2);
});

test('a ?-placeholder dialect gets one parameter per placeholder, talkers repeat the filter', () => {
  const q: SqlDialect = { ...duckdbDialect, placeholder: () => '?' };
  const f = parseFilter({ host: ['10.0.0.1'], port: ['22'] }, NOW);
  const t = topQuery('talkers', f, q);
  assert.equal((t.sql.match(/\?/g) ?? []).length, t.params.length);
  assert.equal(t.params.length, 2 * (4 + 1) + 1); // (host: hi+lo per side, port) twice, then limit
});
