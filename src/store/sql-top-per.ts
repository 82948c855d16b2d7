/**
 * `top --per`: the N heaviest keys of every time bucket in one grouped query. The keys' traffic is
 * summed per (key, bucket), then each bucket keeps its first N by bytes: with ROW_NUMBER() where the
 * engine has window functions (DuckDB, MariaDB), with LIMIT N BY where it does not (ClickHouse 18.16).
 */
import type { FlowFilter } from '../filter/filter.js';
import { protoName } from '../util/protocols.js';
import { num, str, type JsRow } from './rows.js';
import { ParamList, checkBucket, counter, fromFlows, type BuiltQuery, type SqlDialect } from './sql.js';
import type { TopPerKind, TopPerRow } from './store.js';

const KEYS: Record<TopPerKind, string[]> = {
  edges: ['client', 'server', 'server_port', 'proto'],
  talkers: ['host'],
  services: ['server_port', 'proto'],
  interfaces: ['exporter', 'if_index'],
};

export function topPerQuery(kind: TopPerKind, f: FlowFilter, bucketMs: number, d: SqlDialect): BuiltQuery {
  checkBucket(bucketMs);
  const p = new ParamList(d);
  const start = d.epochMs('first_seen');
  const t = `${start} - ${start} % ${bucketMs}`;
  const c = (col: string): string => counter(d, col);
  let source: string;
  if (kind === 'interfaces') {
    // Each exported record counts at its in_if (client -> server bytes entered there) and its out_if.
    const side = (col: 'in_if' | 'out_if', inn: string, out: string): string =>
      `SELECT exporter, ${col} AS if_index, ${t} AS t_ms, ${c(`bytes_${inn}`)} AS c2s, ${c(`bytes_${out}`)} AS s2c, ${c('packets_c2s')} + ${c('packets_s2c')} AS pk ${fromFlows(f, p, d, () => "exporter <> ''")}`;
    source = `(${side('in_if', 'c2s', 's2c')} UNION ALL ${side('out_if', 's2c', 'c2s')}) sides`;
  } else if (kind === 'talkers') {
    // Each record counts once for each end, as in top talkers.
    const side = (end: 'client' | 'server', out: string, back: string): string =>
      `SELECT ${end} AS host, ${t} AS t_ms, ${c(`bytes_${out}`)} AS c2s, ${c(`bytes_${back}`)} AS s2c, ${c('packets_c2s')} + ${c('packets_s2c')} AS pk ${fromFlows(f, p, d)}`;
    source = `(${side('client', 'c2s', 's2c')} UNION ALL ${side('server', 's2c', 'c2s')}) sides`;
  } else {
    source = `(SELECT client, server, server_port, proto, ${t} AS t_ms, ${c('bytes_c2s')} AS c2s, ${c('bytes_s2c')} AS s2c, ${c('packets_c2s')} + ${c('packets_s2c')} AS pk ${fromFlows(f, p, d)}) recs`;
  }
  const keys = KEYS[kind].join(', ');
  const grouped = `SELECT ${keys}, t_ms, sum(c2s) AS c2s_bytes, sum(s2c) AS s2c_bytes, sum(c2s) + sum(s2c) AS bytes, sum(pk) AS packets
FROM ${source}
GROUP BY ${keys}, t_ms`;
  const n = p.bind({ type: 'int', value: f.limit });
  const order = `bytes DESC, ${keys}`;
  const sql = d.limitBy
    ? `${grouped}\nORDER BY t_ms, ${order}\nLIMIT ${n} BY t_ms`
    : `SELECT * FROM (SELECT g.*, ROW_NUMBER() OVER (PARTITION BY t_ms ORDER BY ${order}) AS rn FROM (${grouped}) g) ranked
WHERE rn <= ${n}
ORDER BY t_ms, rn`;
  return { sql, params: p.params };
}

/** Rows of topPerQuery, ranked (ClickHouse's LIMIT BY rows come in rank order within a bucket). */
export function topPerRows(kind: TopPerKind, rows: readonly JsRow[]): TopPerRow[] {
  let lastT = Number.NaN;
  let rank = 0;
  return rows.map((r) => {
    const tMs = num(r.t_ms);
    rank = tMs === lastT ? rank + 1 : 1;
    lastT = tMs;
    const traffic = { bytes_c2s: num(r.c2s_bytes), bytes_s2c: num(r.s2c_bytes), bytes: num(r.bytes), packets: num(r.packets) };
    const t = new Date(tMs).toISOString();
    if (kind === 'talkers') return { t, rank, host: str(r.host), ...traffic };
    if (kind === 'interfaces') return { t, rank, exporter: str(r.exporter), if_index: num(r.if_index), if_name: null, ...traffic };
    const svc = { port: num(r.server_port), proto: protoName(num(r.proto)), service: null };
    return kind === 'edges' ? { t, rank, client: str(r.client), server: str(r.server), ...svc, ...traffic } : { t, rank, ...svc, ...traffic };
  });
}
