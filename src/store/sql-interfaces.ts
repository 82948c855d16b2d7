/**
 * `top --by interfaces`: traffic per (exporter, ifIndex), each way. Each record counts once at its
 * input interface and once at its output interface: client -> server bytes enter at in_if and leave
 * at out_if, server -> client bytes the other way round. Records without an exporter (captures) are
 * left out. The filter is the one filter model (repeated per side, as top talkers does, so that
 * `?`-style placeholders and ClickHouse 18.16 both work).
 */
import type { FlowFilter } from '../filter/filter.js';
import { ParamList, counter, fromFlows, havingLimit, type BuiltQuery, type SqlDialect } from './sql.js';

export function topInterfacesQuery(f: FlowFilter, d: SqlDialect): BuiltQuery {
  const p = new ParamList(d);
  const [c2s, s2c, pc2s, ps2c] = ['bytes_c2s', 'bytes_s2c', 'packets_c2s', 'packets_s2c'].map((c) => counter(d, c));
  const exported = (): string => "exporter <> ''";
  const from1 = fromFlows(f, p, d, exported);
  const from2 = fromFlows(f, p, d, exported);
  const { having, limit } = havingLimit(f, 'sum(in_b + out_b)', p);
  // Aliases differ from column names (ClickHouse resolves aliases everywhere).
  const sql = `SELECT exporter, if_index, sum(in_b) AS in_bytes, sum(out_b) AS out_bytes, sum(in_b + out_b) AS bytes,
  sum(in_p) AS in_packets, sum(out_p) AS out_packets,
  ${d.epochMs('min(first_seen)')} AS first_ms, ${d.epochMs('max(last_seen)')} AS last_ms
FROM (
  SELECT exporter, in_if AS if_index, ${c2s} AS in_b, ${s2c} AS out_b, ${pc2s} AS in_p, ${ps2c} AS out_p, first_seen, last_seen
  ${from1}
  UNION ALL
  SELECT exporter, out_if AS if_index, ${s2c} AS in_b, ${c2s} AS out_b, ${ps2c} AS in_p, ${pc2s} AS out_p, first_seen, last_seen
  ${from2}
) sides
GROUP BY exporter, if_index ${having}
ORDER BY bytes DESC, exporter, if_index ${limit}`;
  return { sql, params: p.params };
}
