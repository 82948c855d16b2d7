import type { FlowRecord } from '../flow/record.js';
import type { FlowFilter } from '../filter/filter.js';
import type { NameRow } from '../names/names.js';

/** What `flowmap top --by ...` groups by. */
export type TopKind = 'edges' | 'talkers' | 'services' | 'flows' | 'interfaces';

/** Traffic of a group of records, both directions (bytes are IP-layer octets). */
export interface DirectedTotals {
  bytes_c2s: number;
  bytes_s2c: number;
  bytes: number;
  packets: number;
  first_seen: string;
  last_seen: string;
}

/** One (client host, server host, server port, protocol) dependency. */
export interface EdgeRow extends DirectedTotals {
  client: string;
  server: string;
  port: number;
  proto: string;
  service: string | null;
  /** Distinct transport conversations (client port, VLAN), not records. */
  connections: number;
  /** The program that listened on the server's port (from `flowmap agent`), null when unknown. */
  server_process: string | null;
  /** The program behind the client's connections, where an agent ran on the client, else null. */
  client_process: string | null;
}

/** One host, whichever side it was on. */
export interface TalkerRow {
  host: string;
  bytes_sent: number;
  bytes_received: number;
  bytes: number;
  packets: number;
  /** Distinct other hosts it exchanged traffic with. */
  peers: number;
  connections: number;
  first_seen: string;
  last_seen: string;
}

/** One service (server port + protocol). */
export interface ServiceRow extends DirectedTotals {
  port: number;
  proto: string;
  service: string | null;
  servers: number;
  clients: number;
  connections: number;
  /** The programs seen listening on this port (from `flowmap agent`), most servers first. */
  processes: string[];
}

/** One conversation (all records of the same transport tuple summed). */
export interface ConversationRow extends DirectedTotals {
  client: string;
  client_port: number;
  server: string;
  port: number;
  proto: string;
  vlan: number;
  service: string | null;
  packets_c2s: number;
  packets_s2c: number;
  records: number;
  /** As EdgeRow's: the listening program, and the program that owned client_port. */
  server_process: string | null;
  client_process: string | null;
}

/**
 * Traffic in one time bucket, for charts. A record counts in the bucket where it starts (as nfdump
 * and ntopng chart flows), so the buckets add up to the totals of `top` under the same filter.
 */
export interface SeriesRow {
  /** Bucket start, ISO 8601 UTC (a multiple of the bucket width since the epoch). */
  t: string;
  bytes_c2s: number;
  bytes_s2c: number;
  packets_c2s: number;
  packets_s2c: number;
  records: number;
}

/** One edge's identity, as EdgeRow names it (proto as its name, e.g. 'tcp'). */
export interface EdgeRef {
  client: string;
  server: string;
  port: number;
  proto: string;
}

/** Traffic of one edge in one bucket (the edge as the caller named it in its EdgeRef). */
export interface EdgeSeriesRow extends SeriesRow {
  client: string;
  server: string;
  port: number;
  proto: string;
}

/** Keys of keyedSeries: hosts (either side of a record) or services (server port + protocol name). */
export type SeriesKeys =
  | { by: 'talkers'; hosts: readonly string[] }
  | { by: 'services'; services: ReadonlyArray<{ port: number; proto: string }> }
  | { by: 'interfaces'; interfaces: ReadonlyArray<{ exporter: string; if_index: number }> };

/**
 * Traffic of one key in one bucket. `key` indexes the caller's keys. For a host, `_c2s` is what it
 * sent and `_s2c` what it received (a record counts for both its ends); for an exporter interface,
 * `_c2s` is what entered through it and `_s2c` what left (a record counts at its in_if and out_if).
 */
export interface KeyedSeriesRow extends SeriesRow {
  key: number;
}

/** What `top --per` ranks in each interval. */
export type TopPerKind = 'edges' | 'talkers' | 'services' | 'interfaces';

/**
 * One row of the top N of one interval (`top --per`): the interval's start, the rank in it, the key
 * (edges: client, server, port, proto; talkers: host; services: port, proto; interfaces: exporter,
 * if_index) and its traffic in it. For a talker `bytes_c2s` is what it sent and `bytes_s2c` what it
 * received; for an interface, what entered through it and what left.
 */
export interface TopPerRow {
  t: string;
  rank: number;
  client?: string;
  server?: string;
  host?: string;
  port?: number;
  proto?: string;
  service?: string | null;
  exporter?: string;
  if_index?: number;
  if_name?: string | null;
  bytes_c2s: number;
  bytes_s2c: number;
  bytes: number;
  packets: number;
}

/**
 * One interface of one flow exporter (captures have none and are left out). `in`: traffic that
 * entered the exporter through it; `out`: traffic that left through it. A record's client -> server
 * traffic enters at its in_if and leaves at its out_if, its server -> client traffic the other way.
 */
export interface InterfaceRow {
  exporter: string;
  /** SNMP ifIndex; 0 when the exporter did not say. */
  if_index: number;
  /** From the config (`exporters[].interfaces`); filled in by the caller, null when unnamed. */
  if_name: string | null;
  bytes_in: number;
  bytes_out: number;
  bytes: number;
  packets_in: number;
  packets_out: number;
  first_seen: string;
  last_seen: string;
}

export interface TopRows {
  edges: EdgeRow[];
  talkers: TalkerRow[];
  services: ServiceRow[];
  flows: ConversationRow[];
  interfaces: InterfaceRow[];
}

/** Counts for a store summary line. */
export interface StoreStats {
  records: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

/** The records of one source (`pcap:FILE`, `capture:IFACE`, `netflow:EXPORTER/…`, `ntopng:HOST/DB/…`). */
export interface SourceRow {
  source: string;
  records: number;
  first_seen: string;
  last_seen: string;
}

/**
 * A position kept in the store itself (e.g. `ntopng:host/db/flowsv4` -> last imported idx), written
 * together with the records it accounts for, so an import resumes without double counting.
 */
export interface StoreMark {
  key: string;
  value: string;
}

/**
 * Health of one exporter (per observation domain / source id) as `flowmap exporters` prints it.
 * Counters are totals; `kernel_drops` are the drops of the UDP socket the exporter sent to.
 */
export interface ExporterHealthRow {
  exporter: string;
  domain: number;
  protocol: string;
  datagrams: number;
  records: number;
  sequence_gaps: number;
  template_misses: number;
  errors: number;
  /** Errors per reason. */
  error_reasons: Record<string, number>;
  /** Latest sampling rate in use: 1 unsampled, 0 unknown. */
  sampling_rate: number;
  kernel_drops: number;
  /** ISO time of the last datagram, null when none. */
  last_seen: string | null;
}

/**
 * One socket of one process over one observation period, as `flowmap agent` saw it (the sockets
 * table). Text fields are '' and numbers 0 where the agent did not know them.
 */
export interface SocketRow {
  period_id: string;
  host: string;
  proto: 'tcp' | 'udp';
  state: 'listen' | 'established';
  /** The address it answers on (a wildcard listener has one row per address of its host). */
  address: string;
  local_addr: string;
  local_port: number;
  remote_addr: string;
  remote_port: number;
  pid: number;
  comm: string;
  exe: string;
  cmdline: string;
  username: string;
  container: string;
  interval_ms: number;
  /** UTC ms. */
  first_seen: number;
  last_seen: number;
}

/** Which socket periods to read; every field narrows. */
export interface SocketQuery {
  addresses?: readonly string[];
  /** Local ports (a listener's port). */
  ports?: readonly number[];
  host?: string;
  state?: SocketRow['state'];
  /** Periods that lasted until this time or later (last_seen >= sinceMs), UTC ms. */
  sinceMs?: number;
  /** Periods that began by this time (first_seen <= untilMs). */
  untilMs?: number;
}

/**
 * The store every command depends on. One implementation per backend under src/store/.
 * Implementations translate the FlowFilter once, into their own SQL, with bound parameters.
 */
export interface Store {
  /** Create or migrate the schema. Idempotent. */
  init(): Promise<void>;
  /** Bulk-append records (appender / batched insert, never row-by-row statements). */
  append(records: readonly FlowRecord[]): Promise<void>;
  /** Top-N by total bytes (desc), filtered. Service names are filled in by the caller's registry. */
  top<K extends TopKind>(kind: K, filter: FlowFilter): Promise<TopRows[K]>;
  /**
   * Traffic per bucket of `bucketMs` (a whole number of seconds) of the filtered records, oldest
   * first, empty buckets left out. The filter's minBytes and limit do not apply.
   */
  series(filter: FlowFilter, bucketMs: number): Promise<SeriesRow[]>;
  /**
   * Traffic per bucket of `bucketMs` of each of these edges (filtered records): grouped by edge in
   * the order given, then oldest bucket first, empty buckets left out. Same bucket rule as series():
   * a record counts in the bucket where it starts, bucket = multiple of bucketMs since the epoch
   * (UTC). Edges are matched by address value, not text; an edge without records has no rows, an
   * edge named twice is answered once (at its first place). minBytes/limit do not apply. A few
   * grouped queries whatever the number of edges (one per 1000), never one per edge.
   */
  edgeSeries(filter: FlowFilter, bucketMs: number, edges: readonly EdgeRef[]): Promise<EdgeSeriesRow[]>;
  /**
   * As edgeSeries, for hosts or services: traffic per bucket of each key, grouped by key (in the
   * order given) then time, empty buckets left out; one grouped query per chunk of 1000 keys.
   */
  keyedSeries(filter: FlowFilter, bucketMs: number, keys: SeriesKeys): Promise<KeyedSeriesRow[]>;
  /**
   * The top filter.limit keys of each bucket of `bucketMs` by bytes (`top --per`), oldest bucket
   * first, rank 1 first; one grouped query. Records count in the bucket where they start.
   */
  topPer(kind: TopPerKind, filter: FlowFilter, bucketMs: number): Promise<TopPerRow[]>;
  stats(): Promise<StoreStats>;
  /** Records per source over the whole store (no filter, like stats()), by source. */
  sources(): Promise<SourceRow[]>;
  /** Add host-name observations to the `names` table (append-only; duplicates are harmless). */
  appendNames(rows: readonly NameRow[]): Promise<void>;
  /** Names known for these addresses, one row per (address, name, source), times aggregated. */
  names(addresses: readonly string[]): Promise<NameRow[]>;
  /**
   * Save the exporter health of one collector run (`run` names it), replacing what that run saved
   * before: collectors save their running totals periodically and at stop.
   */
  saveExporterHealth(run: string, rows: readonly ExporterHealthRow[]): Promise<void>;
  /** Exporter health summed over every run, per (exporter, domain, protocol); see mergeHealthRuns. */
  exporterHealth(): Promise<ExporterHealthRow[]>;
  /**
   * Write socket periods: a row whose period_id is already stored replaces it (a period the agent
   * keeps seeing grows its last_seen). One transaction where the backend has them.
   */
  saveSockets(rows: readonly SocketRow[]): Promise<void>;
  /** Socket periods matching the query, ordered by address, port, first_seen. */
  sockets(query: SocketQuery): Promise<SocketRow[]>;
  close(): Promise<void>;
}

/**
 * What every backend (DuckDB, MariaDB, ClickHouse) offers beyond Store, for imports, copies and
 * retention. These run against the store directly, not through the ingest worker (WorkerStore is a
 * plain Store).
 */
export interface ManagedStore extends Store {
  /**
   * append(), and with `mark` the mark is stored with the batch: atomically where the backend has
   * transactions (DuckDB, MariaDB), right after the batch otherwise (ClickHouse).
   */
  append(records: readonly FlowRecord[], mark?: StoreMark): Promise<void>;
  /** The value of a mark, or null when never set. */
  getMark(key: string): Promise<string | null>;
  /**
   * Records whose first_seen is in [fromMs, toMs), at most `limit` + 1 of them (so the caller can
   * tell the window held more than `limit` and split it). For copying between stores.
   */
  scan(fromMs: number, toMs: number, limit: number): Promise<FlowRecord[]>;
  /** Retention: delete records whose last_seen is before `beforeMs`; returns how many. */
  purge(beforeMs: number): Promise<number>;
  /**
   * Where the backend has transactions (DuckDB, MariaDB): every append and appendNames that follows
   * joins one transaction until commit (with a mark stored in it) or rollback. `ingest` stores each
   * capture file this way, whole or not at all.
   */
  begin?(): Promise<void>;
  commit?(mark?: StoreMark): Promise<void>;
  rollback?(): Promise<void>;
}
