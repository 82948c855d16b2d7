/**
 * Running a keyed series (Store.keyedSeries: hosts or services) on a SQL store: the keys go in chunks
 * of IN lists, one grouped query per chunk (never a scan per key), and each row carries the index of
 * the caller's key it belongs to.
 */
import type { FlowFilter } from '../filter/filter.js';
import { UsageError } from '../util/errors.js';
import { groupBy } from '../util/group.js';
import { addrHiLo } from '../util/ip.js';
import { parseProto } from '../util/protocols.js';
import { num, seriesFromRow, str, type JsRow } from './rows.js';
import { EDGES_PER_QUERY, checkBucket, interfaceSeriesQuery, serviceSeriesQuery, talkerSeriesQuery, type BuiltQuery, type SqlDialect } from './sql.js';
import type { KeyedSeriesRow, SeriesKeys } from './store.js';

interface Chunked {
  /** Text of each key as the engine's rows print it, in the caller's order. */
  texts: string[];
  query(from: number, to: number): BuiltQuery;
  rowText(r: JsRow): string;
}

function plan(f: FlowFilter, bucketMs: number, keys: SeriesKeys, d: SqlDialect): Chunked {
  if (keys.by === 'talkers') {
    const hl = keys.hosts.map((h) => addrHiLo(h));
    return {
      texts: hl.map((k) => `${k.hi}|${k.lo}`),
      query: (a, b) => talkerSeriesQuery(f, bucketMs, hl.slice(a, b), d),
      // Drivers give the halves as bigint, number or decimal text: all print the same digits.
      rowText: (r) => `${String(r.k_hi)}|${String(r.k_lo)}`,
    };
  }
  if (keys.by === 'interfaces') {
    const ifs = keys.interfaces;
    return {
      texts: ifs.map((i) => `${i.exporter}|${i.if_index}`),
      query: (a, b) => interfaceSeriesQuery(f, bucketMs, ifs.slice(a, b), d),
      rowText: (r) => `${str(r.exporter)}|${num(r.k_if)}`,
    };
  }
  const svc = keys.services.map((s) => {
    const proto = parseProto(s.proto);
    if (proto === undefined) throw new UsageError(`service ${s.port}/${s.proto}: unknown protocol`);
    return { port: s.port, proto };
  });
  return {
    texts: svc.map((s) => `${s.port}|${s.proto}`),
    query: (a, b) => serviceSeriesQuery(f, bucketMs, svc.slice(a, b), d),
    rowText: (r) => `${num(r.server_port)}|${num(r.proto)}`,
  };
}

/** Store.keyedSeries on any SQL engine: `run` executes one built query. */
export async function runKeyedSeries(
  f: FlowFilter,
  bucketMs: number,
  keys: SeriesKeys,
  d: SqlDialect,
  run: (q: BuiltQuery) => Promise<JsRow[]>,
  perQuery = EDGES_PER_QUERY,
): Promise<KeyedSeriesRow[]> {
  checkBucket(bucketMs);
  // A key given twice is answered once, at its first place.
  const first = new Map<string, number>();
  plan(f, bucketMs, keys, d).texts.forEach((t, i) => {
    if (!first.has(t)) first.set(t, i);
  });
  const at = [...first.values()];
  const c = plan(f, bucketMs, pick(keys, at), d);
  const rows: JsRow[] = [];
  for (let i = 0; i < at.length; i += perQuery) for (const r of await run(c.query(i, Math.min(at.length, i + perQuery)))) rows.push(r);
  const byText = groupBy(rows, (r) => c.rowText(r));
  return c.texts.flatMap((t, i) => (byText.get(t) ?? []).map((r) => ({ key: at[i], ...seriesFromRow(r) })));
}

/** The keys at these indexes, in that order. */
function pick(keys: SeriesKeys, at: readonly number[]): SeriesKeys {
  if (keys.by === 'talkers') return { by: 'talkers', hosts: at.map((i) => keys.hosts[i]) };
  if (keys.by === 'interfaces') return { by: 'interfaces', interfaces: at.map((i) => keys.interfaces[i]) };
  return { by: 'services', services: at.map((i) => keys.services[i]) };
}
