/**
 * Running a top-N query on a SQL store. Top edges on engines without SEMI JOIN take up to two
 * queries (ClickHouse; MariaDB one, see edgesInOnePass): the heaviest edges with their sums and
 * conversation starts, then, only for those of them with rows from before schema version 6, the
 * distinct conversations (client port, VLAN) of those rows. Counting distinct pairs for every edge
 * of the window was most of ClickHouse's single-query time, and 18.16 has no CTE to hand pass 1's
 * edges to pass 2; a store created at version 6 or later never needs pass 2.
 */
import type { FlowFilter } from '../filter/filter.js';
import { num, type JsRow } from './rows.js';
import { EDGES_PER_QUERY, edgeConnectionsQuery, edgeKeyText, edgeSumsQuery, topQuery, type BuiltQuery, type EdgeKey, type SqlDialect } from './sql.js';
import type { TopKind } from './store.js';
import { topInterfacesQuery } from './sql-interfaces.js';

/** Rows of topQuery(kind) (same columns, same order), whatever the engine. */
export async function runSqlTop(
  kind: TopKind,
  f: FlowFilter,
  d: SqlDialect,
  run: (q: BuiltQuery) => Promise<JsRow[]>,
  edgesPerQuery = EDGES_PER_QUERY,
): Promise<JsRow[]> {
  if (kind === 'interfaces') return run(topInterfacesQuery(f, d));
  if (kind !== 'edges' || d.semiJoin) return run(topQuery(kind, f, d));
  let sums = await run(edgeSumsQuery(f, d));
  if (sums.some((r) => num(r.one_edge) !== 1)) sums = await run(edgeSumsQuery(f, d, true));
  const keys = sums.map(
    (r): EdgeKey => ({ client_hi: r.k_client_hi, client_lo: r.k_client_lo, server_hi: r.k_server_hi, server_lo: r.k_server_lo, server_port: r.k_server_port, proto: r.k_proto }),
  );
  // Pass 2 only for the edges with rows from before schema version 6 (their distinct conversations).
  const legacy = d.edgesInOnePass ? [] : keys.filter((_, i) => num(sums[i].legacy_rows) > 0);
  const connections = new Map<string, unknown>();
  for (let i = 0; i < legacy.length; i += edgesPerQuery) {
    for (const r of await run(edgeConnectionsQuery(f, legacy.slice(i, i + edgesPerQuery), d))) {
      connections.set(edgeKeyText(r as unknown as EdgeKey), r.connections);
    }
  }
  return sums.map((r, i) => ({
    client: r.client_text, server: r.server_text, port: r.k_server_port, proto: r.k_proto,
    c2s_bytes: r.c2s_bytes, s2c_bytes: r.s2c_bytes, bytes: r.bytes, packets: r.packets,
    // Every edge of pass 1 has at least one record under the same filter.
    connections: d.edgesInOnePass ? r.connections : num(r.legacy_rows) > 0 ? (connections.get(edgeKeyText(keys[i])) ?? 0) : r.starts_sum,
    first_ms: r.first_ms, last_ms: r.last_ms,
  }));
}
