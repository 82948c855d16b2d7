import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  DuckDBVector,
  type DuckDBAppender,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import type { FlowRecord } from '../flow/record.js';
import { protoName } from '../flow/record.js';
import type { FlowFilter } from '../filter/filter.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { isoMs } from '../util/time.js';
import { ChunkFiller, type ColumnSource } from './duckdb-chunk.js';
import { exporterHealthDuckdb, saveExporterHealthDuckdb } from './duckdb-exporters.js';
import { FLOW_COLUMNS, MIGRATIONS, SCHEMA_VERSION, createVersionTableSql } from './schema.js';
import { duckdbDialect, topQuery, type SqlParam } from './sql.js';
import type { ExporterHealthRow, Store, StoreStats, TopKind, TopRows } from './store.js';

type JsRow = Record<string, unknown>;

/**
 * Flow store in a DuckDB file (or `:memory:`). Only core functions on plain TIMESTAMP/integer/VARCHAR
 * columns are used (no icu time zones, no json, no inet), and extension autoload is off, so nothing
 * needs downloading. A file can be opened for writing by one process at a time.
 */
export class DuckDbStore implements Store {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly path: string,
    readonly readOnly: boolean,
  ) {}

  /**
   * Open (creating if needed, unless read-only) without initialising; call init() before use.
   * Read-only opens let several query processes share a file while no writer holds it.
   */
  static async open(path: string, opts: { readOnly?: boolean } = {}): Promise<DuckDbStore> {
    const readOnly = opts.readOnly === true && path !== ':memory:';
    let instance: DuckDBInstance;
    try {
      // Never fetch or load extensions at run time: everything must work offline with core DuckDB.
      instance = await DuckDBInstance.create(path, {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        ...(readOnly ? { access_mode: 'READ_ONLY' } : {}),
      });
    } catch (err) {
      throw openError(path, err);
    }
    const conn = await instance.connect();
    return new DuckDbStore(instance, conn, path, readOnly);
  }

  async init(): Promise<void> {
    if (!this.readOnly) await this.conn.run(createVersionTableSql('duckdb'));
    let current: number;
    try {
      const rows = await this.rows('SELECT max(version) AS v FROM schema_version', []);
      current = rows[0]?.v == null ? 0 : num(rows[0].v);
    } catch {
      throw new UsageError(`${this.path} is a DuckDB file but not a flowmap database (no schema_version table)`);
    }
    if (current > SCHEMA_VERSION) {
      throw new FlowmapError(`database ${this.path} has schema version ${current}, newer than this flowmap (${SCHEMA_VERSION}); upgrade flowmap`);
    }
    if (this.readOnly) {
      if (current < SCHEMA_VERSION) {
        throw new FlowmapError(`database ${this.path} has schema version ${current}; open it once for writing (e.g. by ingesting) to migrate it to ${SCHEMA_VERSION}`);
      }
      return;
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await this.conn.run('BEGIN TRANSACTION');
      try {
        for (const stmt of m.sql.duckdb) await this.conn.run(stmt);
        await this.conn.run(`INSERT INTO schema_version VALUES (${m.version})`);
        await this.conn.run('COMMIT');
      } catch (err) {
        await this.conn.run('ROLLBACK');
        throw err;
      }
    }
  }

  /** All-or-nothing: a bad record anywhere in the batch leaves the table unchanged. */
  async append(records: readonly FlowRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.conn.run('BEGIN TRANSACTION');
    let a: DuckDBAppender | undefined;
    try {
      const app = await this.conn.createAppender('flows');
      a = app;
      const types = Array.from({ length: app.columnCount }, (_, i) => app.columnType(i));
      if (types.length !== FLOW_COLUMNS.length) throw new FlowmapError(`table flows in ${this.path} has ${types.length} columns, expected ${FLOW_COLUMNS.length}`);
      const size = DuckDBVector.standardSize();
      const filler = new ChunkFiller(size);
      for (let i = 0; i < records.length; i += size) a.appendDataChunk(filler.fill(types, SOURCES, records.slice(i, i + size)));
      a.closeSync(); // flushes
      a = undefined;
      await this.conn.run('COMMIT');
    } catch (err) {
      try {
        a?.closeSync();
      } catch {
        // already failing; the rollback below discards whatever was flushed
      }
      await this.conn.run('ROLLBACK');
      throw err;
    }
  }

  async top<K extends TopKind>(kind: K, filter: FlowFilter): Promise<TopRows[K]> {
    const q = topQuery(kind, filter, duckdbDialect);
    const rows = await this.rows(q.sql, q.params);
    return rows.map((r) => toRow(kind, r)) as TopRows[K];
  }

  async stats(): Promise<StoreStats> {
    const rows = await this.rows(
      'SELECT count(*) AS n, epoch_ms(min(first_seen)) AS f, epoch_ms(max(last_seen)) AS l FROM flows',
      [],
    );
    const r = rows[0] ?? {};
    return {
      records: num(r.n ?? 0),
      firstSeen: r.f == null ? null : isoMs(num(r.f)),
      lastSeen: r.l == null ? null : isoMs(num(r.l)),
    };
  }

  saveExporterHealth(run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
    return saveExporterHealthDuckdb(this.conn, run, rows);
  }

  exporterHealth(): Promise<ExporterHealthRow[]> {
    return exporterHealthDuckdb(this.conn);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private async rows(sql: string, params: readonly SqlParam[]): Promise<JsRow[]> {
    const stmt = await this.conn.prepare(sql);
    try {
      params.forEach((p, i) => bindParam(stmt, i + 1, p));
      const reader = await stmt.runAndReadAll();
      return reader.getRowObjectsJS() as JsRow[];
    } finally {
      stmt.destroySync();
    }
  }
}

function bindParam(stmt: DuckDBPreparedStatement, i: number, p: SqlParam): void {
  switch (p.type) {
    case 'u64':
      stmt.bindUBigInt(i, p.value);
      break;
    case 'int':
      stmt.bindInteger(i, p.value);
      break;
    case 'time':
      stmt.bindTimestamp(i, ts(p.ms));
      break;
  }
}

/** Non-negative integer as bigint; fractional estimates are rounded rather than rejected. */

function ts(ms: number): DuckDBTimestampValue {
  return new DuckDBTimestampValue(BigInt(Math.round(ms)) * 1000n);
}



/**
 * How each column is read from a record, in FLOW_COLUMNS order. Addresses' hi/lo halves are computed
 * once per batch (see appendChunk).
 */
const rate = (r: FlowRecord): number => (r.samplingRate >= 1 ? r.samplingRate : 1);
/** Counters as received: the stored estimates are raw x rate. */
const raw = (scaled: number, r: FlowRecord): number => (rate(r) === 1 ? scaled : Math.round(scaled / rate(r)));

/** Where each column of FLOW_COLUMNS comes from, in table order. */
const SOURCES: readonly ColumnSource[] = [
  { name: 'first_seen', kind: 'timestamp', get: (r) => r.firstSeen },
  { name: 'last_seen', kind: 'timestamp', get: (r) => r.lastSeen },
  { name: 'client', kind: 'string', get: (r) => r.client },
  { name: 'server', kind: 'string', get: (r) => r.server },
  { name: 'client_hi', kind: 'addr-half', side: 'client', half: 0 },
  { name: 'client_lo', kind: 'addr-half', side: 'client', half: 1 },
  { name: 'server_hi', kind: 'addr-half', side: 'server', half: 0 },
  { name: 'server_lo', kind: 'addr-half', side: 'server', half: 1 },
  { name: 'client_port', kind: 'number', get: (r) => r.clientPort },
  { name: 'server_port', kind: 'number', get: (r) => r.serverPort },
  { name: 'proto', kind: 'number', get: (r) => r.proto },
  { name: 'ip_version', kind: 'number', get: (r) => r.ipVersion },
  { name: 'vlan', kind: 'number', get: (r) => r.vlan },
  { name: 'bytes_c2s', kind: 'number', get: (r) => r.bytesC2s },
  { name: 'bytes_s2c', kind: 'number', get: (r) => r.bytesS2c },
  { name: 'packets_c2s', kind: 'number', get: (r) => r.packetsC2s },
  { name: 'packets_s2c', kind: 'number', get: (r) => r.packetsS2c },
  { name: 'raw_bytes_c2s', kind: 'number', get: (r) => raw(r.bytesC2s, r) },
  { name: 'raw_bytes_s2c', kind: 'number', get: (r) => raw(r.bytesS2c, r) },
  { name: 'raw_packets_c2s', kind: 'number', get: (r) => raw(r.packetsC2s, r) },
  { name: 'raw_packets_s2c', kind: 'number', get: (r) => raw(r.packetsS2c, r) },
  { name: 'sampling_rate', kind: 'number', get: rate },
  { name: 'tcp_flags_c2s', kind: 'number', get: (r) => r.tcpFlagsC2s },
  { name: 'tcp_flags_s2c', kind: 'number', get: (r) => r.tcpFlagsS2c },
  { name: 'direction', kind: 'string', get: (r) => r.direction },
  { name: 'source', kind: 'string', get: (r) => r.source },
];

/** bigint/number -> number. Sums beyond 2^53 (9 PB) lose only low-order precision. */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return Number(v);
  return 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

function toRow(kind: TopKind, r: JsRow): TopRows[TopKind][number] {
  const first_seen = isoMs(num(r.first_ms));
  const last_seen = isoMs(num(r.last_ms));
  const proto = protoName(num(r.proto));
  switch (kind) {
    case 'edges':
      return {
        client: str(r.client), server: str(r.server), port: num(r.port), proto, service: null,
        bytes_c2s: num(r.bytes_c2s), bytes_s2c: num(r.bytes_s2c), bytes: num(r.bytes), packets: num(r.packets),
        connections: num(r.connections), first_seen, last_seen,
      };
    case 'services':
      return {
        port: num(r.port), proto, service: null, servers: num(r.servers), clients: num(r.clients),
        bytes_c2s: num(r.bytes_c2s), bytes_s2c: num(r.bytes_s2c), bytes: num(r.bytes), packets: num(r.packets),
        connections: num(r.connections), first_seen, last_seen,
      };
    case 'flows':
      return {
        client: str(r.client), client_port: num(r.client_port), server: str(r.server), port: num(r.port), proto,
        vlan: num(r.vlan), service: null, bytes_c2s: num(r.bytes_c2s), bytes_s2c: num(r.bytes_s2c), bytes: num(r.bytes),
        packets_c2s: num(r.packets_c2s), packets_s2c: num(r.packets_s2c), packets: num(r.packets),
        records: num(r.records), first_seen, last_seen,
      };
    case 'talkers':
      return {
        host: str(r.host), bytes_sent: num(r.bytes_sent), bytes_received: num(r.bytes_received), bytes: num(r.bytes),
        packets: num(r.packets), peers: num(r.peers), connections: num(r.connections), first_seen, last_seen,
      };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

/** Expected open failures, in words: locked (exit 1), not a database / missing (usage, exit 2). */
/** The database file is held by another process (DuckDB allows one writer, or several readers). */
export class StoreBusyError extends FlowmapError {
  override name = 'StoreBusyError';
}

function openError(path: string, err: unknown): Error {
  const msg = firstLine(err instanceof Error ? err.message : String(err)).replace(/^IO Error: /, '');
  if (/lock/i.test(msg)) {
    return new StoreBusyError(`database ${path} is in use by another process (a DuckDB file has one writer at a time): ${msg}`, { cause: err });
  }
  if (/read-only mode: database does not exist/i.test(msg)) {
    return new UsageError(`no flows stored yet in ${path}: ingest or capture some first (flowmap ingest FILE, flowmap capture -i IFACE), or name another store with --db`);
  }
  if (/not a valid DuckDB database|does not exist|No such file|read-only mode/i.test(msg)) {
    return new UsageError(`cannot open database ${path}: ${msg}`);
  }
  return new FlowmapError(`cannot open database ${path}: ${msg}`, { cause: err });
}
