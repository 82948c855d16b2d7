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
export const SCHEMA_VERSION = 2;

// ClickHouse 18.16 has no DateTime64, so times there are epoch milliseconds in UInt64.
const TIME = { duckdb: 'TIMESTAMP', mariadb: 'DATETIME(3)', clickhouse: 'UInt64' };
const ADDR = { duckdb: 'VARCHAR', mariadb: 'VARCHAR(45)', clickhouse: 'String' };
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
];

/** CREATE TABLE for the flows table in a backend's dialect. */
export function createFlowsTableSql(backend: Backend): string {
  const cols = FLOW_COLUMNS.map((c) => `  ${c.name} ${c.type[backend]} NOT NULL`).join(',\n');
  const tail =
    backend === 'clickhouse'
      ? ' ENGINE = MergeTree() PARTITION BY toYYYYMMDD(toDateTime(intDiv(first_seen, 1000))) ORDER BY (first_seen, client_hi, client_lo)'
      : backend === 'mariadb'
        ? ' ENGINE=InnoDB'
        : '';
  return `CREATE TABLE IF NOT EXISTS flows (\n${cols}\n)${tail}`;
}

/** Version bookkeeping table: one row per applied version. */
export function createVersionTableSql(backend: Backend): string {
  const t = backend === 'clickhouse' ? 'UInt32' : 'INTEGER';
  const tail = backend === 'clickhouse' ? ' ENGINE = TinyLog' : '';
  return `CREATE TABLE IF NOT EXISTS schema_version (version ${t} NOT NULL)${tail}`;
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
  const body = cols.map(([n, t]) => `  ${n} ${t[backend]} NOT NULL`).join(',\n');
  const tail = backend === 'clickhouse' ? ' ENGINE = ReplacingMergeTree() ORDER BY (run, exporter, domain, protocol)' : backend === 'mariadb' ? ' ENGINE=InnoDB' : '';
  return `CREATE TABLE IF NOT EXISTS exporters (\n${body}\n)${tail}`;
}

/**
 * Steps to go from version N-1 to N, per backend. Version 1 is the table above; later versions
 * append ALTERs here (never edit a released step).
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: Record<Backend, string[]> }> = [
  {
    version: 1,
    sql: {
      duckdb: [createFlowsTableSql('duckdb')],
      mariadb: [createFlowsTableSql('mariadb')],
      clickhouse: [createFlowsTableSql('clickhouse')],
    },
  },
  {
    version: 2,
    sql: {
      duckdb: [createExportersTableSql('duckdb')],
      mariadb: [createExportersTableSql('mariadb')],
      clickhouse: [createExportersTableSql('clickhouse')],
    },
  },
];
