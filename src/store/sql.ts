/**
 * The one translation of FlowFilter (and the top-N queries) into SQL, shared by every SQL store.
 * A dialect supplies the few differences: placeholder style, or — for backends without bound
 * parameters (ClickHouse over HTTP) — one literal function. Every user-supplied value travels as a
 * typed SqlParam (bigint / number), never as SQL text, so nothing the user typed is concatenated.
 */
import type { AddrRange, FlowFilter } from '../filter/filter.js';
import type { TopKind } from './store.js';
import { loIsFull } from '../filter/cidr.js';
import { FLOW_COLUMNS, LEGACY_STARTS } from './schema.js';

export type SqlParam =
  | { type: 'u64'; value: bigint }
  | { type: 'int'; value: number }
  | { type: 'time'; ms: number }
  | { type: 'text'; value: string };

export interface SqlDialect {
  readonly name: string;
  /** Placeholder text for the n-th (1-based) parameter, e.g. `$3` or `?`. Unused when `literal` is set. */
  placeholder(n: number): string;
  /** Backends without bound parameters render each typed parameter as a literal here instead. */
  literal?: (p: SqlParam) => string;
  /** Expression giving epoch milliseconds (integer) of a timestamp expression. */
  epochMs(expr: string): string;
  /** COUNT(DISTINCT over several columns), of the rows where `cond` holds. */
  countDistinctIf(exprs: string[], cond: string): string;
  /**
   * The engine has `SEMI JOIN ... USING` and CTEs: top edges are then found in two passes (see
   * topEdgesTwoPhase), several times faster than counting distinct conversations for every edge.
   */
  semiJoin?: boolean;
  /**
   * A counter column as the argument of sum(): DuckDB sums UBIGINT in 128-bit integers, BIGINT in
   * 64 bits while its statistics prove no overflow (a third faster; counters are below 2^53).
   */
  counter?: (column: string) => string;
  /**
   * A 64-bit hash of several columns (ClickHouse's cityHash64). Top edges then group by one integer
   * instead of six columns (ClickHouse 18.16 falls back to its slowest hash table beyond 32 key
   * bytes); every group is checked to hold one edge, and the exact grouping runs if one does not.
   */
  hash64?: (exprs: string[]) => string;
  /**
   * Some value of the expression in the group, cheaper than min() (ClickHouse's any): for values
   * that are one per group (an edge's texts, a one-edge hash group's keys). Otherwise min().
   */
  anyValue?: (expr: string) => string;
  /**
   * The engine resolves a select-list alias inside the same select list (ClickHouse): an edge's
   * `bytes` is then the sum of its two direction sums instead of a third sum over the rows.
   */
  aliasesInSelect?: boolean;
  /**
   * The engine reads PREWHERE conditions first and the other columns only where they match
   * (ClickHouse): the time window goes there, as rows arrive in time order. Literal dialects only:
   * the PREWHERE text comes before the WHERE text but its values are bound after.
   */
  prewhere?: boolean;
  /**
   * Top edges in one pass, distinct conversations counted for every edge (MariaDB: at 3 M records
   * its COUNT(DISTINCT) added nothing measurable to reading the window, which a second pass over
   * the top N's rows repeats: 1.8 s in one pass, 1.9 s + 4.2 s in two).
   */
  edgesInOnePass?: boolean;
  /**
   * The engine keeps the first N rows of each group with `LIMIT N BY col` (ClickHouse; 18.16 has no
   * window functions). Others number the rows with ROW_NUMBER() OVER (PARTITION BY …).
   */
  limitBy?: boolean;
}

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  placeholder: (n) => `$${n}`,
  epochMs: (e) => `epoch_ms(${e})`,
  countDistinctIf: (xs, cond) => `count(DISTINCT CASE WHEN ${cond} THEN ${xs.length === 1 ? xs[0] : `(${xs.join(', ')})`} END)`,
  semiJoin: true,
  counter: (c) => `CAST(${c} AS BIGINT)`,
};

export interface BuiltQuery {
  sql: string;
  params: SqlParam[];
}

/** Collects parameters in order and hands back their placeholder (or literal) text. */
export class ParamList {
  readonly params: SqlParam[] = [];
  constructor(private readonly dialect: SqlDialect) {}
  bind(p: SqlParam): string {
    this.params.push(p);
    return this.dialect.literal ? this.dialect.literal(p) : this.dialect.placeholder(this.params.length);
  }
  u64(v: bigint | number): string {
    return this.bind({ type: 'u64', value: BigInt(v) });
  }
}

/** `side` is `client` or `server`: the address is in the range (exact for CIDR ranges). */
function inRange(side: 'client' | 'server', r: AddrRange, p: ParamList): string {
  const hi = r.hiMin === r.hiMax ? `${side}_hi = ${p.u64(r.hiMin)}` : `${side}_hi BETWEEN ${p.u64(r.hiMin)} AND ${p.u64(r.hiMax)}`;
  if (loIsFull(r)) return hi;
  const lo = r.loMin === r.loMax ? `${side}_lo = ${p.u64(r.loMin)}` : `${side}_lo BETWEEN ${p.u64(r.loMin)} AND ${p.u64(r.loMax)}`;
  return `(${hi} AND ${lo})`;
}

function inAny(side: 'client' | 'server', rs: AddrRange[], p: ParamList): string {
  return rs.length === 1 ? inRange(side, rs[0], p) : `(${rs.map((r) => inRange(side, r, p)).join(' OR ')})`;
}

/**
 * WHERE conditions (without the keyword) on the flows table for everything but minBytes/limit:
 * subnets: both ends in some listed range; excludes: neither end in any; hosts: either end in one;
 * clients / servers: that end in one;
 * ports: server port; protos; exporters; interfaces: input or output interface; since/until:
 * records overlapping the window.
 */
export function whereSql(f: FlowFilter, p: ParamList): string {
  const { rest, time } = whereParts(f, p);
  const c = [...rest, ...time];
  return c.length ? c.join(' AND ') : '1 = 1';
}

function whereParts(f: FlowFilter, p: ParamList): { rest: string[]; time: string[] } {
  const c: string[] = [];
  if (f.subnets.length) c.push(inAny('client', f.subnets, p), inAny('server', f.subnets, p));
  if (f.excludes.length) c.push(`NOT (${inAny('client', f.excludes, p)} OR ${inAny('server', f.excludes, p)})`);
  if (f.hosts.length) c.push(`(${inAny('client', f.hosts, p)} OR ${inAny('server', f.hosts, p)})`);
  if (f.clients.length) c.push(inAny('client', f.clients, p));
  if (f.servers.length) c.push(inAny('server', f.servers, p));
  if (f.ports.length) c.push(`server_port IN (${f.ports.map((x) => p.bind({ type: 'int', value: x })).join(', ')})`);
  if (f.protos.length) c.push(`proto IN (${f.protos.map((x) => p.bind({ type: 'int', value: x })).join(', ')})`);
  if (f.exporters.length) c.push(`exporter IN (${f.exporters.map((x) => p.bind({ type: 'text', value: x })).join(', ')})`);
  if (f.interfaces.length) {
    const list = (): string => f.interfaces.map((x) => p.bind({ type: 'int', value: x })).join(', ');
    c.push(`(in_if IN (${list()}) OR out_if IN (${list()}))`);
  }
  const time: string[] = [];
  if (f.since !== undefined) time.push(`last_seen >= ${p.bind({ type: 'time', ms: f.since })}`);
  if (f.until !== undefined) time.push(`first_seen <= ${p.bind({ type: 'time', ms: f.until })}`);
  return { rest: c, time };
}

/** `FROM flows WHERE ...` for the filter; the time window as PREWHERE where the dialect has it. */
export function fromFlows(f: FlowFilter, p: ParamList, d: SqlDialect, extra?: (p: ParamList) => string): string {
  // Placeholders are numbered in text order: `extra` binds its values after the filter's.
  if (!d.prewhere || (f.since === undefined && f.until === undefined)) {
    const w = whereSql(f, p);
    return `FROM flows WHERE ${w}${extra ? ` AND ${extra(p)}` : ''}`;
  }
  const { rest, time } = whereParts(f, p);
  if (extra) rest.push(extra(p));
  return `FROM flows PREWHERE ${time.join(' AND ')}${rest.length ? ` WHERE ${rest.join(' AND ')}` : ''}`;
}

export function havingLimit(f: FlowFilter, bytesExpr: string, p: ParamList): { having: string; limit: string } {
  const having = f.minBytes !== undefined ? `HAVING ${bytesExpr} >= ${p.u64(f.minBytes)}` : '';
  return { having, limit: `LIMIT ${p.bind({ type: 'int', value: f.limit })}` };
}

export const counter = (d: SqlDialect, c: string): string => (d.counter ? d.counter(c) : c);
/** sum() of counter columns (added row by row). */
const sumOf = (d: SqlDialect, ...cols: string[]): string => `sum(${cols.map((c) => counter(d, c)).join(' + ')})`;
const BYTES = (d: SqlDialect): string => sumOf(d, 'bytes_c2s', 'bytes_s2c');
const PACKETS = (d: SqlDialect): string => sumOf(d, 'packets_c2s', 'packets_s2c');

/**
 * `connections`: the conversations the records begin (the `starts` column, FlowRecord.starts), a sum.
 * Rows written before schema version 6 hold LEGACY_STARTS there: they count as they did then, as
 * distinct `legacyKeys` (e.g. client port and VLAN per edge), so an old store answers as before.
 */
export function connectionsSql(d: SqlDialect, legacyKeys: string[]): string {
  const legacy = `starts = ${LEGACY_STARTS}`;
  return `(sum(CASE WHEN ${legacy} THEN 0 ELSE starts END) + ${d.countDistinctIf(legacyKeys, legacy)})`;
}

/**
 * Top-N query for a kind (top edges: engines with SEMI JOIN only; runSqlTop serves every engine).
 * Column aliases match the row types in store.ts, except times, which come back as `first_ms` /
 * `last_ms` epoch milliseconds for the store to format, and per-direction sums (`c2s_bytes`, ...),
 * which must not reuse a column's name (ClickHouse resolves aliases everywhere).
 */
export function topQuery(kind: TopKind, f: FlowFilter, d: SqlDialect): BuiltQuery {
  const p = new ParamList(d);
  const times = `${d.epochMs('min(first_seen)')} AS first_ms, ${d.epochMs('max(last_seen)')} AS last_ms`;
  let sql: string;
  switch (kind) {
    case 'interfaces':
      throw new Error('top interfaces: use runSqlTop (sql-interfaces.ts)');
    case 'edges': {
      // Engines without SEMI JOIN take up to two queries (edgeSumsQuery, edgeConnectionsQuery: see runSqlTop).
      if (!d.semiJoin) throw new Error(`top edges on ${d.name}: use runSqlTop (two queries)`);
      return topEdgesTwoPhase(f, d, p);
    }
    case 'services': {
      const from = fromFlows(f, p, d);
      const { having, limit } = havingLimit(f, BYTES(d), p);
      sql = `SELECT server_port AS port, proto,
  count(DISTINCT server) AS servers, count(DISTINCT client) AS clients,
  ${sumOf(d, 'bytes_c2s')} AS c2s_bytes, ${sumOf(d, 'bytes_s2c')} AS s2c_bytes, ${BYTES(d)} AS bytes, ${PACKETS(d)} AS packets,
  ${connectionsSql(d, ['client', 'client_port', 'server', 'vlan'])} AS connections, ${times}
${from}
GROUP BY server_port, proto ${having}
ORDER BY bytes DESC, port, proto ${limit}`;
      break;
    }
    case 'flows': {
      const from = fromFlows(f, p, d);
      const { having, limit } = havingLimit(f, BYTES(d), p);
      sql = `SELECT client, client_port, server, server_port AS port, proto, vlan,
  ${sumOf(d, 'bytes_c2s')} AS c2s_bytes, ${sumOf(d, 'bytes_s2c')} AS s2c_bytes, ${BYTES(d)} AS bytes,
  ${sumOf(d, 'packets_c2s')} AS c2s_packets, ${sumOf(d, 'packets_s2c')} AS s2c_packets, ${PACKETS(d)} AS packets,
  count(*) AS records, ${times}
${from}
GROUP BY client, client_port, server, server_port, proto, vlan ${having}
ORDER BY bytes DESC, client, client_port, server, port, proto, vlan ${limit}`;
      break;
    }
    case 'talkers': {
      if (d.semiJoin) return topTalkersTwoPhase(f, d, p);
      // Each record counts once for each end. The filter is repeated (not a CTE) so that `?`-style
      // placeholders and old ClickHouse both work.
      const cols = 'client, client_port, server, server_port, proto, vlan, starts, first_seen, last_seen';
      const [c2s, s2c] = [counter(d, 'bytes_c2s'), counter(d, 'bytes_s2c')];
      const pkts = `${counter(d, 'packets_c2s')} + ${counter(d, 'packets_s2c')}`;
      const from1 = fromFlows(f, p, d);
      const from2 = fromFlows(f, p, d);
      const { having, limit } = havingLimit(f, 'sum(sent + received)', p);
      sql = `SELECT host, sum(sent) AS bytes_sent, sum(received) AS bytes_received, sum(sent + received) AS bytes,
  sum(pkts) AS packets, count(DISTINCT peer) AS peers,
  ${connectionsSql(d, ['client', 'client_port', 'server', 'server_port', 'proto', 'vlan'])} AS connections, ${times}
FROM (
  SELECT client AS host, server AS peer, ${c2s} AS sent, ${s2c} AS received, ${pkts} AS pkts, ${cols}
  ${from1}
  UNION ALL
  SELECT server AS host, client AS peer, ${s2c} AS sent, ${c2s} AS received, ${pkts} AS pkts, ${cols}
  ${from2}
) sides
GROUP BY host ${having}
ORDER BY bytes DESC, host ${limit}`;
      break;
    }
  }
  return { sql, params: p.params };
}

/** The bucket widths a series may use: whole seconds, at least one, at most a year. */
export function checkBucket(bucketMs: number): void {
  if (!Number.isInteger(bucketMs) || bucketMs < 1000 || bucketMs % 1000 !== 0 || bucketMs > 366 * 86_400_000) {
    throw new RangeError(`series bucket ${bucketMs} ms: expected whole seconds from 1 s to 366 days`);
  }
}

/** Bucket start (`t_ms`) and the per-direction sums of a series row (see seriesFromRow). */
function seriesColumns(bucketMs: number, d: SqlDialect): string {
  const start = d.epochMs('first_seen');
  // The width is an integer checked by checkBucket, written as a literal: a placeholder in the SELECT
  // list would be numbered before the filter's (text order) and GROUP BY an expression with it fails
  // on some engines.
  return `${start} - ${start} % ${bucketMs} AS t_ms,
  ${sumOf(d, 'bytes_c2s')} AS c2s_bytes, ${sumOf(d, 'bytes_s2c')} AS s2c_bytes,
  ${sumOf(d, 'packets_c2s')} AS c2s_packets, ${sumOf(d, 'packets_s2c')} AS s2c_packets, count(*) AS records`;
}

/** Traffic per time bucket (see Store.series): bucket start as `t_ms`, per-direction sums. */
export function seriesQuery(f: FlowFilter, bucketMs: number, d: SqlDialect): BuiltQuery {
  checkBucket(bucketMs);
  const p = new ParamList(d);
  const from = fromFlows(f, p, d);
  const sql = `SELECT ${seriesColumns(bucketMs, d)}
${from}
GROUP BY t_ms
ORDER BY t_ms`;
  return { sql, params: p.params };
}

/**
 * Traffic per time bucket of each of some edges (see Store.edgeSeries), in one grouped query: the
 * edge's key columns, then the columns of seriesQuery; ordered by key, then time.
 */
export function edgeSeriesQuery(f: FlowFilter, bucketMs: number, edges: readonly EdgeKey[], d: SqlDialect): BuiltQuery {
  checkBucket(bucketMs);
  if (edges.length === 0) throw new RangeError('edge series: no edges (an empty IN list is not SQL)');
  const p = new ParamList(d);
  const from = fromFlows(f, p, d, (q) => edgeInList(edges, q));
  const sql = `SELECT ${EDGE_KEY}, ${seriesColumns(bucketMs, d)}
${from}
GROUP BY ${EDGE_KEY}, t_ms
ORDER BY ${EDGE_KEY}, t_ms`;
  return { sql, params: p.params };
}

/** A host as its two 64-bit halves (IPv4-mapped), as the flows table holds it. */
export interface HostKey {
  hi: bigint;
  lo: bigint;
}

/**
 * One side of a record in a two-sided series: a host counts as client and as server, an interface as
 * in_if and as out_if. `cols` are the key columns on this side (named `as` in the result); `forward`
 * says whether this side's c2s is the record's c2s; `inList` keeps the wanted keys.
 */
interface SeriesSide {
  cols: readonly string[];
  forward: boolean;
  inList: (q: ParamList) => string;
}

/** Traffic per bucket of each key, every record counted once on each of its two sides (see Store.keyedSeries). */
function sidedSeriesQuery(f: FlowFilter, bucketMs: number, as: readonly string[], sides: readonly [SeriesSide, SeriesSide], d: SqlDialect): BuiltQuery {
  checkBucket(bucketMs);
  const p = new ParamList(d);
  const start = d.epochMs('first_seen');
  const select = (side: SeriesSide): string => {
    const [out, back] = side.forward ? ['c2s', 's2c'] : ['s2c', 'c2s'];
    // `x AS x` is left plain: ClickHouse takes an alias equal to its column as a cycle.
    const keys = side.cols.map((c, i) => (c === as[i] ? c : `${c} AS ${as[i]}`)).join(', ');
    return `SELECT ${keys}, ${start} - ${start} % ${bucketMs} AS t_ms,
    ${counter(d, `bytes_${out}`)} AS b_out, ${counter(d, `bytes_${back}`)} AS b_back,
    ${counter(d, `packets_${out}`)} AS p_out, ${counter(d, `packets_${back}`)} AS p_back
  ${fromFlows(f, p, d, side.inList)}`;
  };
  const keys = as.join(', ');
  const sql = `SELECT ${keys}, t_ms, sum(b_out) AS c2s_bytes, sum(b_back) AS s2c_bytes,
  sum(p_out) AS c2s_packets, sum(p_back) AS s2c_packets, count(*) AS records
FROM (
  ${select(sides[0])}
  UNION ALL
  ${select(sides[1])}
) sides
GROUP BY ${keys}, t_ms
ORDER BY ${keys}, t_ms`;
  return { sql, params: p.params };
}

/**
 * Traffic per bucket of each of some hosts, whichever side they were on, in one grouped query: each
 * record counts once for its client (sent = c2s) and once for its server (sent = s2c); key columns
 * `k_hi, k_lo`.
 */
export function talkerSeriesQuery(f: FlowFilter, bucketMs: number, hosts: readonly HostKey[], d: SqlDialect): BuiltQuery {
  if (hosts.length === 0) throw new RangeError('talker series: no hosts (an empty IN list is not SQL)');
  const side = (end: 'client' | 'server'): SeriesSide => ({
    cols: [`${end}_hi`, `${end}_lo`],
    forward: end === 'client',
    inList: (q) => `(${end}_hi, ${end}_lo) IN (${hosts.map((h) => `(${q.u64(h.hi)}, ${q.u64(h.lo)})`).join(', ')})`,
  });
  return sidedSeriesQuery(f, bucketMs, ['k_hi', 'k_lo'], [side('client'), side('server')], d);
}

/**
 * Traffic per bucket of each of some exporter interfaces: each record counts at its in_if (client ->
 * server bytes entered there) and at its out_if (server -> client bytes entered there); key columns
 * `exporter, k_if`; `c2s` is in, `s2c` out.
 */
export function interfaceSeriesQuery(f: FlowFilter, bucketMs: number, ifs: ReadonlyArray<{ exporter: string; if_index: number }>, d: SqlDialect): BuiltQuery {
  if (ifs.length === 0) throw new RangeError('interface series: no interfaces (an empty IN list is not SQL)');
  const side = (col: 'in_if' | 'out_if'): SeriesSide => ({
    cols: ['exporter', col],
    forward: col === 'in_if',
    inList: (q) => `(exporter, ${col}) IN (${ifs.map((i) => `(${q.bind({ type: 'text', value: i.exporter })}, ${q.bind({ type: 'int', value: i.if_index })})`).join(', ')})`,
  });
  return sidedSeriesQuery(f, bucketMs, ['exporter', 'k_if'], [side('in_if'), side('out_if')], d);
}

/** Traffic per bucket of each of some services (server port, protocol number): key columns `server_port, proto`. */
export function serviceSeriesQuery(f: FlowFilter, bucketMs: number, services: ReadonlyArray<{ port: number; proto: number }>, d: SqlDialect): BuiltQuery {
  checkBucket(bucketMs);
  if (services.length === 0) throw new RangeError('service series: no services (an empty IN list is not SQL)');
  const p = new ParamList(d);
  const int = (q: ParamList, value: number): string => q.bind({ type: 'int', value });
  const from = fromFlows(f, p, d, (q) => `(server_port, proto) IN (${services.map((s) => `(${int(q, s.port)}, ${int(q, s.proto)})`).join(', ')})`);
  const sql = `SELECT server_port, proto, ${seriesColumns(bucketMs, d)}
${from}
GROUP BY server_port, proto, t_ms
ORDER BY server_port, proto, t_ms`;
  return { sql, params: p.params };
}

/** Every column of a record, times as `first_ms` / `last_ms` epoch milliseconds (see recordFromRow). */
function recordColumnsSql(d: SqlDialect): string {
  return FLOW_COLUMNS.map((c) =>
    c.name === 'first_seen' ? `${d.epochMs('first_seen')} AS first_ms` : c.name === 'last_seen' ? `${d.epochMs('last_seen')} AS last_ms` : c.name,
  ).join(', ');
}

/** Records starting in [fromMs, toMs), at most limit + 1 (see Store.scan). */
export function scanQuery(fromMs: number, toMs: number, limit: number, d: SqlDialect): BuiltQuery {
  const p = new ParamList(d);
  const sql = `SELECT ${recordColumnsSql(d)} FROM flows
WHERE first_seen >= ${p.bind({ type: 'time', ms: fromMs })} AND first_seen < ${p.bind({ type: 'time', ms: toMs })}
LIMIT ${p.bind({ type: 'int', value: limit + 1 })}`;
  return { sql, params: p.params };
}

/** The retention condition: records that ended before the cutoff. */
export function purgeWhere(beforeMs: number, p: ParamList): string {
  return `last_seen < ${p.bind({ type: 'time', ms: beforeMs })}`;
}

/** An edge's identity: addresses as their 128-bit halves (integer grouping is faster than text). */
const EDGE_KEY = 'client_hi, client_lo, server_hi, server_lo, server_port, proto';

/** An edge's sums and times (pass 1 of top edges). */
const EDGE_SUMS = (d: SqlDialect): string =>
  `${sumOf(d, 'bytes_c2s')} AS c2s_bytes, ${sumOf(d, 'bytes_s2c')} AS s2c_bytes, ${d.aliasesInSelect ? 'c2s_bytes + s2c_bytes' : BYTES(d)} AS bytes, ${PACKETS(d)} AS packets, ` +
  `${d.epochMs('min(first_seen)')} AS first_ms, ${d.epochMs('max(last_seen)')} AS last_ms`;

/** Pass 1 of top edges: the N heaviest edges with their sums (cheap aggregates only), keys and texts. */
function edgeSumsSql(f: FlowFilter, d: SqlDialect, p: ParamList): string {
  const w = whereSql(f, p);
  const { having, limit } = havingLimit(f, BYTES(d), p);
  // The texts are a function of the key (exact grouping here): any value is the value.
  return `SELECT ${EDGE_KEY}, any_value(client) AS client_text, any_value(server) AS server_text, ${EDGE_SUMS(d)}
  FROM flows WHERE ${w}
  GROUP BY ${EDGE_KEY} ${having}
  ORDER BY bytes DESC, client_text, server_text, server_port, proto ${limit}`;
}

/**
 * Top edges in two passes: first the N heaviest edges with their sums (cheap aggregates only), then
 * the distinct conversations (client port, VLAN) of just those N edges. Counting distinct values for
 * every edge of a large window was most of the single-pass query's time. Same rows, same order.
 */
function topEdgesTwoPhase(f: FlowFilter, d: SqlDialect, p: ParamList): BuiltQuery {
  const sums = edgeSumsSql(f, d, p);
  const w2 = whereSql(f, p);
  // client_port * 65536 + vlan is one exact integer per (client port, VLAN): cheaper to hash than a pair
  // (only rows written before schema version 6 are counted that way: see connectionsSql).
  const sql = `WITH top_edges AS (
  ${sums}
), conversations AS (
  SELECT ${EDGE_KEY}, ${connectionsSql(d, ['CAST(client_port AS BIGINT) * 65536 + vlan'])} AS connections
  FROM flows SEMI JOIN top_edges USING (${EDGE_KEY}) WHERE ${w2}
  GROUP BY ${EDGE_KEY}
)
SELECT client_text AS client, server_text AS server, server_port AS port, proto, c2s_bytes, s2c_bytes, bytes, packets,
  connections, first_ms, last_ms
FROM top_edges JOIN conversations USING (${EDGE_KEY})
ORDER BY bytes DESC, client, server, port, proto`;
  return { sql, params: p.params };
}

/**
 * Top talkers in two passes, as top edges: each record counts once for each end; first the N hosts
 * with the most bytes (hosts by their integer halves), then peers and distinct conversations of just
 * those hosts. Same rows, same order as the one-pass form.
 */
function topTalkersTwoPhase(f: FlowFilter, d: SqlDialect, p: ParamList): BuiltQuery {
  const [c2s, s2c] = [counter(d, 'bytes_c2s'), counter(d, 'bytes_s2c')];
  const pkts = `${counter(d, 'packets_c2s')} + ${counter(d, 'packets_s2c')}`;
  const [w1, w2] = [whereSql(f, p), whereSql(f, p)];
  const { having, limit } = havingLimit(f, 'sum(sent + received)', p);
  const [w3, w4] = [whereSql(f, p), whereSql(f, p)];
  const conv = 'client, client_port, server, server_port, proto, vlan';
  const convStarts = `${conv}, starts`;
  const sql = `WITH top_hosts AS (
  SELECT h_hi, h_lo, any_value(host) AS host, sum(sent) AS bytes_sent, sum(received) AS bytes_received,
    sum(sent + received) AS bytes, sum(pkts) AS packets,
    ${d.epochMs('min(first_seen)')} AS first_ms, ${d.epochMs('max(last_seen)')} AS last_ms
  FROM (
    SELECT client_hi AS h_hi, client_lo AS h_lo, client AS host, ${c2s} AS sent, ${s2c} AS received, ${pkts} AS pkts, first_seen, last_seen
    FROM flows WHERE ${w1}
    UNION ALL
    SELECT server_hi, server_lo, server, ${s2c}, ${c2s}, ${pkts}, first_seen, last_seen
    FROM flows WHERE ${w2}
  ) sides
  GROUP BY h_hi, h_lo ${having}
  ORDER BY bytes DESC, host ${limit}
), counts AS (
  SELECT h_hi, h_lo, count(DISTINCT peer) AS peers, ${connectionsSql(d, conv.split(', '))} AS connections
  FROM (
    SELECT client_hi AS h_hi, client_lo AS h_lo, server AS peer, ${convStarts}
    FROM flows SEMI JOIN top_hosts ON client_hi = top_hosts.h_hi AND client_lo = top_hosts.h_lo WHERE ${w3}
    UNION ALL
    SELECT server_hi, server_lo, client, ${convStarts}
    FROM flows SEMI JOIN top_hosts ON server_hi = top_hosts.h_hi AND server_lo = top_hosts.h_lo WHERE ${w4}
  ) top_sides
  GROUP BY h_hi, h_lo
)
SELECT host, bytes_sent, bytes_received, bytes, packets, peers, connections, first_ms, last_ms
FROM top_hosts JOIN counts USING (h_hi, h_lo)
ORDER BY bytes DESC, host`;
  return { sql, params: p.params };
}

const KEY_COLUMNS = ['client_hi', 'client_lo', 'server_hi', 'server_lo', 'server_port', 'proto'] as const;

/**
 * Pass 1 of the two-query form (engines without SEMI JOIN): the N heaviest edges with their sums,
 * keys as `k_client_hi` ... `k_proto`, and `one_edge` = 1 when the group is one edge. With the
 * dialect's edgesInOnePass also `connections` (and there is no pass 2); otherwise `starts_sum`, the
 * conversation starts of rows from schema version 6 on, and `legacy_rows`, the rows from before
 * (LEGACY_STARTS): an edge without such rows has `starts_sum` connections, and only edges with some
 * go to pass 2 (none in a store created at version 6 or later). With the dialect's hash64 (unless
 * `exact`), groups are by a hash of the key: a group whose key columns are not all constant (a hash
 * collision) has one_edge = 0, and the caller runs the exact form instead. A collision outside the
 * top N cannot change it: each edge of such a group sorts after the group.
 */
export function edgeSumsQuery(f: FlowFilter, d: SqlDialect, exact = false): BuiltQuery {
  const p = new ParamList(d);
  const hash64 = exact ? undefined : d.hash64;
  // Any key value of a hashed group (any() is cheaper than min()), checked against the group's max;
  // the hash64 dialects resolve the k_ aliases anywhere.
  const pick = (c: string): string => (d.anyValue ? d.anyValue(c) : `min(${c})`);
  const keys = KEY_COLUMNS.map((c) => (hash64 ? `${pick(c)} AS k_${c}` : `${c} AS k_${c}`)).join(', ');
  const one = hash64 ? KEY_COLUMNS.map((c) => `k_${c} = max(${c})`).join(' AND ') : '1';
  const legacy = `starts = ${LEGACY_STARTS}`;
  const connections = d.edgesInOnePass
    ? `, ${connectionsSql(d, ['client_port', 'vlan'])} AS connections`
    : `, sum(CASE WHEN ${legacy} THEN 0 ELSE starts END) AS starts_sum, sum(CASE WHEN ${legacy} THEN 1 ELSE 0 END) AS legacy_rows`;
  const from = fromFlows(f, p, d);
  const { having, limit } = havingLimit(f, BYTES(d), p);
  // The texts are a function of the key: any value of a one-edge group is the value.
  const sql = `SELECT ${keys}, ${one} AS one_edge, ${pick('client')} AS client_text, ${pick('server')} AS server_text, ${EDGE_SUMS(d)}${connections}
${from}
GROUP BY ${hash64 ? hash64([...KEY_COLUMNS]) : EDGE_KEY} ${having}
ORDER BY bytes DESC, client_text, server_text, k_server_port, k_proto ${limit}`;
  return { sql, params: p.params };
}

/** An edge's integer identity as pass 1 returns it (drivers give bigint, number or decimal text). */
export interface EdgeKey {
  client_hi: unknown;
  client_lo: unknown;
  server_hi: unknown;
  server_lo: unknown;
  server_port: unknown;
  proto: unknown;
}

/** The same key as one string, to match pass-2 rows to pass-1 rows whatever type the driver chose. */
export function edgeKeyText(k: EdgeKey): string {
  return [k.client_hi, k.client_lo, k.server_hi, k.server_lo, k.server_port, k.proto].map(String).join('/');
}

/** Edges per query that lists edges (pass 2 of top edges, edge series): keeps the IN list (6 parameters an edge) well inside every engine's limits. */
export const EDGES_PER_QUERY = 1000;

/** `(key columns) IN ((...), ...)`: the edges as typed parameters (a row-value IN list), never as SQL text. */
function edgeInList(edges: readonly EdgeKey[], p: ParamList): string {
  const u = (v: unknown) => p.u64(BigInt(String(v)));
  const i = (v: unknown) => p.bind({ type: 'int', value: Number(v) });
  const list = edges.map((e) => `(${[u(e.client_hi), u(e.client_lo), u(e.server_hi), u(e.server_lo), i(e.server_port), i(e.proto)].join(', ')})`);
  return `(${EDGE_KEY}) IN (${list.join(', ')})`;
}

/**
 * Pass 2 of the two-query form: the connections of the given edges under the same filter, counting
 * rows from before schema version 6 as distinct (client port, VLAN); runSqlTop sends only the edges
 * that pass 1 found such rows for.
 */
export function edgeConnectionsQuery(f: FlowFilter, edges: readonly EdgeKey[], d: SqlDialect): BuiltQuery {
  const p = new ParamList(d);
  const sql = `SELECT ${EDGE_KEY}, ${connectionsSql(d, ['client_port', 'vlan'])} AS connections
${fromFlows(f, p, d, (q) => edgeInList(edges, q))}
GROUP BY ${EDGE_KEY}`;
  return { sql, params: p.params };
}

/** Records per source over the whole store: source, n, first_ms, last_ms (sourceFromRow reads a row). */
export function sourcesQuery(d: SqlDialect): string {
  return `SELECT source, count(*) AS n, ${d.epochMs('min(first_seen)')} AS first_ms, ${d.epochMs('max(last_seen)')} AS last_ms FROM flows GROUP BY source ORDER BY source`;
}

/**
 * Names known for some addresses (null: all), aggregated over their observations (the names table
 * is append-only). Returns address, name, source, first_ms, last_ms.
 */
export function namesQuery(addresses: readonly string[] | null, d: SqlDialect): BuiltQuery {
  const p = new ParamList(d);
  const where = addresses === null ? '' : `WHERE address IN (${addresses.map((a) => p.bind({ type: 'text', value: a })).join(', ')})`;
  const sql = `SELECT address, name, source, ${d.epochMs('min(first_seen)')} AS first_ms, ${d.epochMs('max(last_seen)')} AS last_ms
FROM names ${where}
GROUP BY address, name, source
ORDER BY address, source, name`;
  return { sql, params: p.params };
}
