/**
 * Running a top-N query on a SQL store. Top edges on engines without SEMI JOIN take two queries
 * (ClickHouse; MariaDB one, see edgesInOnePass): the heaviest edges with their sums, then the
 * distinct conversations of just those edges. Counting distinct (client port, VLAN) pairs for
 * every edge of the window was most of ClickHouse's single-query time, and 18.16 has no CTE to
 * hand pass 1's edges to pass 2.
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
  const connections = new Map<string, unknown>();
  for (let i = 0; i < keys.length && !d.edgesInOnePass; i += edgesPerQuery) {
    for (const r of await run(edgeConnectionsQuery(f, keys.slice(i, i + edgesPerQuery), d))) {
      connections.set(edgeKeyText(r as unknown as EdgeKey), r.connections);
    }
  }
  return sums.map((r, i) => ({
    client: r.client_text, server: r.server_text, port: r.k_server_port, proto: r.k_proto,
    c2s_bytes: r.c2s_bytes, s2c_bytes: r.s2c_bytes, bytes: r.bytes, packets: r.packets,
    // Every edge of pass 1 has at least one record under the same filter.
    connections: d.edgesInOnePass ? r.connections : (connections.get(edgeKeyText(keys[i])) ?? 0),
    first_ms: r.first_ms, last_ms: r.last_ms,
  }));
}
