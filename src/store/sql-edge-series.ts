/**
 * Running an edge series (Store.edgeSeries) on a SQL store: the edges go in chunks of IN lists, one
 * grouped query per chunk (never a scan per edge), and the rows come back in the caller's edge order.
 */
import type { FlowFilter } from '../filter/filter.js';
import { UsageError } from '../util/errors.js';
import { groupBy } from '../util/group.js';
import { addrHiLo } from '../util/ip.js';
import { parseProto } from '../util/protocols.js';
import { edgeSeriesFromRow, type JsRow } from './rows.js';
import { EDGES_PER_QUERY, checkBucket, edgeKeyText, edgeSeriesQuery, type BuiltQuery, type EdgeKey, type SqlDialect } from './sql.js';
import type { EdgeRef, EdgeSeriesRow } from './store.js';

interface KeyedEdge {
  ref: EdgeRef;
  key: EdgeKey;
  text: string;
}

/** The integer key of an edge as the flows table holds it; a UsageError for what no record can have. */
export function edgeKeyOf(e: EdgeRef): EdgeKey {
  const proto = parseProto(e.proto);
  if (proto === undefined) throw new UsageError(`edge ${e.client} -> ${e.server}: unknown protocol ${JSON.stringify(e.proto)}`);
  if (!Number.isInteger(e.port) || e.port < 0 || e.port > 65535) throw new UsageError(`edge ${e.client} -> ${e.server}: port ${e.port} is not 0-65535`);
  const c = addrHiLo(e.client);
  const s = addrHiLo(e.server);
  return { client_hi: c.hi, client_lo: c.lo, server_hi: s.hi, server_lo: s.lo, server_port: e.port, proto };
}

/** Each distinct edge once, at its first place (two texts of one address are one edge). */
function distinctEdges(edges: readonly EdgeRef[]): KeyedEdge[] {
  const seen = new Map<string, KeyedEdge>();
  for (const ref of edges) {
    const key = edgeKeyOf(ref);
    const text = edgeKeyText(key);
    if (!seen.has(text)) seen.set(text, { ref, key, text });
  }
  return [...seen.values()];
}

/** Store.edgeSeries on any SQL engine: `run` executes one built query. */
export async function runEdgeSeries(
  f: FlowFilter,
  bucketMs: number,
  edges: readonly EdgeRef[],
  d: SqlDialect,
  run: (q: BuiltQuery) => Promise<JsRow[]>,
  edgesPerQuery = EDGES_PER_QUERY,
): Promise<EdgeSeriesRow[]> {
  checkBucket(bucketMs);
  const wanted = distinctEdges(edges);
  // Each query orders by key, then time: collecting rows per key keeps every edge's buckets in order.
  const all: JsRow[] = [];
  for (let i = 0; i < wanted.length; i += edgesPerQuery) {
    for (const r of await run(edgeSeriesQuery(f, bucketMs, wanted.slice(i, i + edgesPerQuery).map((e) => e.key), d))) all.push(r);
  }
  // The driver's key types (bigint, number, decimal text) all print as the same decimal text.
  const rows = groupBy(all, (r) => edgeKeyText(r as unknown as EdgeKey));
  return wanted.flatMap((e) => (rows.get(e.text) ?? []).map((r) => edgeSeriesFromRow(e.ref, r)));
}
