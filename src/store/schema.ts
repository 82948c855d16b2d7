/**
 * The single description of the `flows` table: every SQL backend (DuckDB now; MariaDB and
 * ClickHouse 18.16 later) holds the same columns with the same meaning. Column order here is the
 * append order.
 */

export type Backend = 'duckdb' | 'mariadb' | 'clickhouse';

export interface ColumnDef {
  name: string;
  meaning: string;
  type: Record<Backend, string>;
}

/** Bump with a new entry in MIGRATIONS (per backend) whenever the table changes. */
export const SCHEMA_VERSION = 8;

/**
 * `starts` of rows written before version 6, which did not know it: such rows count towards
 * `connections` as distinct client ports and VLANs, as they did then (sql.ts, connectionsSql).
 */
export const LEGACY_STARTS = 255;

// ClickHouse 18.16 has no DateTime64, so times there are epoch milliseconds in UInt64.
const TIME = { duckdb: 'TIMESTAMP', mariadb: 'DATETIME(3)', clickhouse: 'UInt64' };
// ascii_bin: addresses compare and sort byte-wise, as in DuckDB and ClickHouse.
const ADDR = { duckdb: 'VARCHAR', mariadb: 'VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin', clickhouse: 'String' };
const U64 = { duckdb: 'UBIGINT', mariadb: 'BIGINT UNSIGNED', clickhouse: 'UInt64' };
const U32 = { duckdb: 'UINTEGER', mariadb: 'INT UNSIGNED', clickhouse: 'UInt32' };
const U16 = { duckdb: 'USMALLINT', mariadb: 'SMALLINT UNSIGNED', clickhouse: 'UInt16' };
const U8 = { duckdb: 'UTINYINT', mariadb: 'TINYINT UNSIGNED', clickhouse: 'UInt8' };
const TEXT = { duckdb: 'VARCHAR', mariadb: 'VARCHAR(255)', clickhouse: 'String' };

export const FLOW_COLUMNS: readonly ColumnDef[] = [
  { name: 'first_seen', type: TIME, meaning: 'first packet of this record, UTC, ms precision' },
  { name: 'last_seen', type: TIME, meaning: 'last packet of this record, UTC, ms precision' },
  { name: 'client', type: ADDR, meaning: 'client address, canonical text (IPv4 dotted quad, IPv6 RFC 5952)' },
  { name: 'server', type: ADDR, meaning: 'server address, canonical text' },
  { name: 'client_hi', type: U64, meaning: 'client address as 128-bit IPv4-mapped value, high 64 bits (CIDR filters are range comparisons)' },
  { name: 'client_lo', type: U64, meaning: 'client address, low 64 bits' },
  { name: 'server_hi', type: U64, meaning: 'server address, high 64 bits' },
  { name: 'server_lo', type: U64, meaning: 'server address, low 64 bits' },
  { name: 'client_port', type: U16, meaning: 'client transport port (ICMP echo id), 0 where none' },
  { name: 'server_port', type: U16, meaning: 'server transport port = the service, 0 where none' },
  { name: 'proto', type: U8, meaning: 'IP protocol number' },
  { name: 'ip_version', type: U8, meaning: '4 or 6' },
  { name: 'vlan', type: U16, meaning: 'innermost 802.1Q VLAN id, 0 untagged' },
  { name: 'bytes_c2s', type: U64, meaning: 'IP-layer octets client->server, scaled by sampling rate (queries use these)' },
  { name: 'bytes_s2c', type: U64, meaning: 'IP-layer octets server->client, scaled' },
  { name: 'packets_c2s', type: U64, meaning: 'packets client->server, scaled' },
  { name: 'packets_s2c', type: U64, meaning: 'packets server->client, scaled' },
  { name: 'raw_bytes_c2s', type: U64, meaning: 'octets as received (= scaled / sampling_rate; equal when unsampled)' },
  { name: 'raw_bytes_s2c', type: U64, meaning: 'octets as received, server->client' },
  { name: 'raw_packets_c2s', type: U64, meaning: 'packets as received, client->server' },
  { name: 'raw_packets_s2c', type: U64, meaning: 'packets as received, server->client' },
  { name: 'sampling_rate', type: U32, meaning: '1 in N sampling, 1 when unsampled' },
  { name: 'tcp_flags_c2s', type: U8, meaning: 'OR of TCP flags client->server, 0 for non-TCP' },
  { name: 'tcp_flags_s2c', type: U8, meaning: 'OR of TCP flags server->client' },
  { name: 'direction', type: { duckdb: 'VARCHAR', mariadb: 'VARCHAR(16)', clickhouse: 'String' }, meaning: 'DirectionEvidence: how the client side was decided' },
  { name: 'source', type: TEXT, meaning: 'provenance: pcap:FILE, capture:IFACE, netflow:EXPORTER/IF, ...' },
  // Version 5 (appended by ALTER TABLE: keep them last, in this order).
  { name: 'exporter', type: ADDR, meaning: "flow exporter address (NetFlow/IPFIX sender, sFlow agent), '' for captures" },
  { name: 'in_if', type: U32, meaning: 'exporter ifIndex where client->server traffic entered (server->client left), 0 unknown' },
  { name: 'out_if', type: U32, meaning: 'exporter ifIndex where client->server traffic left (server->client entered), 0 unknown' },
  // Version 6 (appended by ALTER TABLE, last).
  { name: 'starts', type: U8, meaning: `conversations the record begins: 1 first record, 0 continuation; ${LEGACY_STARTS} written before version 6 (counted as distinct client ports then)` },
];

/** The columns of version 1 of the table (later versions add theirs with ALTER TABLE). */
const V1_COLUMNS = FLOW_COLUMNS.slice(0, FLOW_COLUMNS.findIndex((c) => c.name === 'exporter'));

/** Columns appended by a later version, and the value their old rows read. */
const ADDED: Record<string, { version: number; old: string }> = {
  exporter: { version: 5, old: "''" },
  in_if: { version: 5, old: '0' },
  out_if: { version: 5, old: '0' },
  starts: { version: 6, old: String(LEGACY_STARTS) },
};

/**
 * Version 5: the exporter and its interfaces, old rows reading '' and 0 (captures' values).
 * Version 6: `starts`, old rows reading LEGACY_STARTS.
 */
function addedColumnsSql(backend: Backend, version: number): string[] {
  return FLOW_COLUMNS.filter((c) => ADDED[c.name]?.version === version).map((c) => {
    // ClickHouse 18.16 rejects NOT NULL (its columns never hold NULL); DuckDB cannot add a constrained
    // column. MariaDB commits DDL at once: IF NOT EXISTS makes a step cut short safe to run again.
    const notNull = backend === 'mariadb' ? ' NOT NULL' : '';
    const ifNew = backend === 'mariadb' ? ' IF NOT EXISTS' : '';
    return `ALTER TABLE flows ADD COLUMN${ifNew} ${c.name} ${c.type[backend]}${notNull} DEFAULT ${ADDED[c.name].old}`;
  });
}

/**
 * Host names seen or configured, one row per observation batch (append-only; readers aggregate
 * per address, name, source). Written by ingest (passive DNS, TLS SNI, HTTP Host) and by
 * `export --resolve` (reverse DNS, as a cache).
 */
export const NAME_COLUMNS: readonly ColumnDef[] = [
  { name: 'address', type: ADDR, meaning: 'host address, canonical text as in flows.client/server' },
  { name: 'name', type: TEXT, meaning: 'host name (control characters replaced, at most 253 characters)' },
  { name: 'source', type: { duckdb: 'VARCHAR', mariadb: 'VARCHAR(16)', clickhouse: 'String' }, meaning: 'dns | sni | http | config | reverse' },
  { name: 'first_seen', type: TIME, meaning: 'first time this name was seen for the address, UTC ms' },
  { name: 'last_seen', type: TIME, meaning: 'last time it was seen' },
];

/**
 * CREATE TABLE of a side table (names, exporters, sockets) in a backend's dialect: the columns NOT NULL
 * (ClickHouse's never hold NULL, and 18.16 rejects the words), then `mariadbKeys`, then the engine.
 */
function sideTableSql(backend: Backend, table: string, columns: ReadonlyArray<readonly [string, Record<Backend, string>]>, clickhouseEngine: string, mariadbKeys: readonly string[] = []): string {
  const notNull = backend === 'clickhouse' ? '' : ' NOT NULL';
  const cols = columns.map(([n, t]) => `  ${n} ${t[backend]}${notNull}`).join(',\n');
  const keys = backend === 'mariadb' ? mariadbKeys.map((k) => `,\n  ${k}`).join('') : '';
  const tail =
    backend === 'clickhouse' ? ` ENGINE = ${clickhouseEngine}` : backend === 'mariadb' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
  return `CREATE TABLE IF NOT EXISTS ${table} (\n${cols}${keys}\n)${tail}`;
}

const pairs = (cols: readonly ColumnDef[]): Array<[string, Record<Backend, string>]> => cols.map((c) => [c.name, c.type]);

export function createNamesTableSql(backend: Backend): string {
  return sideTableSql(backend, 'names', pairs(NAME_COLUMNS), 'MergeTree() ORDER BY (address, name, source)');
}

/** ClickHouse's flows partition: the UTC day a record starts (retention drops whole days). */
export const CLICKHOUSE_DAY_PARTITION = "toYYYYMMDD(toDateTime(intDiv(first_seen, 1000), 'UTC'))";

/** CREATE TABLE for the flows table in a backend's dialect (version 1: `columns` are V1_COLUMNS). */
export function createFlowsTableSql(backend: Backend, columns: readonly ColumnDef[] = FLOW_COLUMNS): string {
  // ClickHouse columns are never Nullable unless declared so (18.16 rejects `NOT NULL`).
  const notNull = backend === 'clickhouse' ? '' : ' NOT NULL';
  const cols = columns.map((c) => `  ${c.name} ${c.type[backend]}${notNull}`).join(',\n');
  const tail =
    backend === 'clickhouse'
      ? // One partition per UTC day (retention drops whole days); the sort key serves time windows.
        ` ENGINE = MergeTree() PARTITION BY ${CLICKHOUSE_DAY_PARTITION} ORDER BY (first_seen, client_hi, client_lo)`
      : backend === 'mariadb'
        ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'
        : '';
  // MariaDB: InnoDB keeps rows in primary-key order, so a key led by last_seen makes a time window
  // one contiguous read (a secondary time index means a random read per row: 30x slower at 1 M
  // rows). row_id only makes the key unique. Address indexes lead with the low half: the high half
  // is the same for every IPv4 address; `--host` merges both indexes.
  const idx =
    backend === 'mariadb'
      ? ',\n  row_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (last_seen, row_id),\n  KEY flows_row (row_id),' +
        '\n  KEY flows_first_seen (first_seen),\n  KEY flows_client (client_lo, client_hi),\n  KEY flows_server (server_lo, server_hi)'
      : '';
  return `CREATE TABLE IF NOT EXISTS flows (\n${cols}${idx}\n)${tail}`;
}

/** Version bookkeeping table: one row per applied version. */
export function createVersionTableSql(backend: Backend): string {
  if (backend === 'clickhouse') return 'CREATE TABLE IF NOT EXISTS schema_version (version UInt32) ENGINE = TinyLog';
  return 'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)';
}

/**
 * Exporter health saved by collectors (`flowmap exporters` reads it): one row per (run, exporter,
 * domain, protocol), replaced by each save of that run; readers sum the runs.
 */
export function createExportersTableSql(backend: Backend): string {
  const cols: Array<[string, Record<Backend, string>]> = [
    ['run', TEXT],
    ['exporter', ADDR],
    ['domain', U64],
    ['protocol', { duckdb: 'VARCHAR', mariadb: 'VARCHAR(16)', clickhouse: 'String' }],
    ['datagrams', U64],
    ['records', U64],
    ['sequence_gaps', U64],
    ['template_misses', U64],
    ['errors', U64],
    ['error_reasons', { duckdb: 'VARCHAR', mariadb: 'TEXT', clickhouse: 'String' }],
    ['sampling_rate', U64],
    ['kernel_drops', U64],
    ['last_seen', TIME],
  ];
  // ClickHouse has no cheap DELETE: a save inserts again and the newest row per key wins (read with FINAL).
  return sideTableSql(backend, 'exporters', cols, 'ReplacingMergeTree() ORDER BY (run, exporter, domain, protocol)');
}

/**
 * Sockets seen by `flowmap agent` (version 7): one row per host, socket, process and observation
 * period. A period grows while the agent keeps seeing the socket (src/pipeline/sockets.ts) and is
 * rewritten under the same `period_id` each time; ClickHouse keeps the row with the latest last_seen.
 */
export const SOCKET_COLUMNS: readonly ColumnDef[] = [
  { name: 'period_id', type: { duckdb: 'VARCHAR', mariadb: 'CHAR(16) CHARACTER SET ascii COLLATE ascii_bin', clickhouse: 'String' }, meaning: 'hash of the socket, its process and first_seen: the row a later snapshot extends' },
  { name: 'host', type: TEXT, meaning: "the agent host's own name" },
  { name: 'proto', type: { duckdb: 'VARCHAR', mariadb: 'VARCHAR(3)', clickhouse: 'String' }, meaning: 'tcp | udp' },
  { name: 'state', type: { duckdb: 'VARCHAR', mariadb: 'VARCHAR(12)', clickhouse: 'String' }, meaning: 'listen (TCP listener, bound UDP socket) | established (TCP connection)' },
  { name: 'address', type: ADDR, meaning: 'the address the socket answers on: local_addr, or for a wildcard listener each address of the host (one row each)' },
  { name: 'local_addr', type: ADDR, meaning: 'the address as bound (0.0.0.0 and :: for wildcard listeners)' },
  { name: 'local_port', type: U16, meaning: 'local port' },
  { name: 'remote_addr', type: ADDR, meaning: "peer address of a connection, '' for listeners" },
  { name: 'remote_port', type: U16, meaning: 'peer port, 0 for listeners' },
  { name: 'pid', type: U32, meaning: 'process id, 0 when the agent could not see the owner' },
  { name: 'comm', type: { duckdb: 'VARCHAR', mariadb: 'VARCHAR(64)', clickhouse: 'String' }, meaning: "process name (/proc/PID/comm), '' unknown" },
  { name: 'exe', type: { duckdb: 'VARCHAR', mariadb: 'VARCHAR(1024)', clickhouse: 'String' }, meaning: 'executable path' },
  { name: 'cmdline', type: { duckdb: 'VARCHAR', mariadb: 'VARCHAR(512)', clickhouse: 'String' }, meaning: 'command line, truncated (never the environment)' },
  { name: 'username', type: { duckdb: 'VARCHAR', mariadb: 'VARCHAR(64)', clickhouse: 'String' }, meaning: 'user name (or uid) the process runs as' },
  { name: 'container', type: TEXT, meaning: "container id from the process's cgroup, '' on the host" },
  { name: 'interval_ms', type: U32, meaning: 'the agent snapshot period: a socket is taken to live one period around its observations' },
  { name: 'first_seen', type: TIME, meaning: 'first snapshot of this period, UTC ms' },
  { name: 'last_seen', type: TIME, meaning: 'latest snapshot of this period' },
];

export function createSocketsTableSql(backend: Backend): string {
  // MariaDB: a period is found by id (rewrite) and flows are matched by address and port.
  return sideTableSql(backend, 'sockets', pairs(SOCKET_COLUMNS), 'ReplacingMergeTree(last_seen) ORDER BY (address, period_id)', [
    'KEY sockets_period (period_id)',
    'KEY sockets_address (address, local_port)',
    'KEY sockets_host (host, last_seen)',
  ]);
}

/**
 * Steps to go from version N-1 to N, per backend. Version 1 is the table above; later versions
 * append ALTERs here (never edit a released step).
 */
export interface Migration {
  version: number;
  sql: Record<Backend, string[]>;
  /**
   * ClickHouse cannot change a table's sort key in place: the flows table is built again with this
   * ORDER BY and its rows copied over (ClickHouseStore.rebuildFlows), after `sql`.
   */
  clickhouseOrderBy?: string;
}

/** The ClickHouse flows table's sort key since version 8 (see MIGRATIONS). */
export const CLICKHOUSE_FLOWS_ORDER_BY = '(last_seen, client_hi, client_lo)';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: {
      duckdb: [createFlowsTableSql('duckdb', V1_COLUMNS)],
      mariadb: [createFlowsTableSql('mariadb', V1_COLUMNS)],
      clickhouse: [createFlowsTableSql('clickhouse', V1_COLUMNS)],
    },
  },
  {
    // Positions of imports and copies (see StoreMark), kept with the flows they account for.
    version: 2,
    sql: {
      duckdb: ['CREATE TABLE IF NOT EXISTS flowmap_meta (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)'],
      mariadb: ['CREATE TABLE IF NOT EXISTS flowmap_meta (name VARCHAR(255) NOT NULL PRIMARY KEY, value TEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'],
      // No UPDATE in ClickHouse 18.16: every write is a new row, the latest (`at`) wins.
      clickhouse: ['CREATE TABLE IF NOT EXISTS flowmap_meta (name String, value String, at UInt64) ENGINE = MergeTree() ORDER BY (name, at)'],
    },
  },
  {
    // Host names seen in captures or resolved on request (see NAME_COLUMNS).
    version: 3,
    sql: {
      duckdb: [createNamesTableSql('duckdb')],
      mariadb: [createNamesTableSql('mariadb'), 'CREATE INDEX IF NOT EXISTS names_address ON names (address)'],
      clickhouse: [createNamesTableSql('clickhouse')],
    },
  },
  {
    // Exporter health saved by collectors (see ExporterHealthRow), read by `flowmap exporters`.
    version: 4,
    sql: {
      duckdb: [createExportersTableSql('duckdb')],
      mariadb: [createExportersTableSql('mariadb')],
      clickhouse: [createExportersTableSql('clickhouse')],
    },
  },
  {
    // The exporter and the interfaces each record passed (top --by interfaces, --exporter, --interface).
    version: 5,
    sql: { duckdb: addedColumnsSql('duckdb', 5), mariadb: addedColumnsSql('mariadb', 5), clickhouse: addedColumnsSql('clickhouse', 5) },
  },
  {
    // Conversation starts per record: `connections` becomes their sum (old rows: see LEGACY_STARTS).
    version: 6,
    sql: { duckdb: addedColumnsSql('duckdb', 6), mariadb: addedColumnsSql('mariadb', 6), clickhouse: addedColumnsSql('clickhouse', 6) },
  },
  {
    // Sockets and their processes, from `flowmap agent` (see SOCKET_COLUMNS).
    version: 7,
    sql: { duckdb: [createSocketsTableSql('duckdb')], mariadb: [createSocketsTableSql('mariadb')], clickhouse: [createSocketsTableSql('clickhouse')] },
  },
  {
    // ClickHouse: time windows (last_seen >= since) read only their granules, as MariaDB's primary key
    // (last_seen, row_id) already does; the other backends have nothing to change.
    version: 8,
    sql: { duckdb: [], mariadb: [], clickhouse: [] },
    clickhouseOrderBy: CLICKHOUSE_FLOWS_ORDER_BY,
  },
];
