import type { DuckDBAppender, DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBType } from '@duckdb/node-api';
import { api, timestampMs as ts } from './duckdb-api.js';
import type { FlowRecord } from '../flow/record.js';
import type { FlowFilter } from '../filter/filter.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { isoMs } from '../util/time.js';
import { ChunkFiller, type ColumnSource, type RowColumn } from './duckdb-chunk.js';
import { F, toColumns, type RecordColumns } from './record-columns.js';
import { FLOW_COLUMNS, MIGRATIONS, SCHEMA_VERSION, createVersionTableSql } from './schema.js';
import { NAME_BATCH, nameFromRow, recordFromRow, num, seriesFromRow, sourceFromRow, str, toRow, type JsRow } from './rows.js';
import { ParamList, duckdbDialect, namesQuery, purgeWhere, scanQuery, seriesQuery, sourcesQuery, type SqlParam } from './sql.js';
import { runSqlTop } from './sql-top.js';
import { runEdgeSeries } from './sql-edge-series.js';
import { runKeyedSeries } from './sql-keyed-series.js';
import { topPerQuery, topPerRows } from './sql-top-per.js';
import type { EdgeRef, EdgeSeriesRow, ExporterHealthRow, KeyedSeriesRow, SeriesKeys, TopPerKind, TopPerRow, ManagedStore, SeriesRow, SocketQuery, SocketRow, SourceRow, StoreMark, StoreStats, TopKind, TopRows } from './store.js';
import { deleteSocketPeriodsQueries, readSockets } from './sql-sockets.js';
import type { NameRow } from '../names/names.js';
import { exporterHealthDuckdb, saveExporterHealthDuckdb } from './duckdb-exporters.js';


/**
 * Flow store in a DuckDB file (or `:memory:`). Only core functions on plain TIMESTAMP/integer/VARCHAR
 * columns are used (no icu time zones, no json, no inet), and extension autoload is off, so nothing
 * needs downloading. A file can be opened for writing by one process at a time.
 */
export class DuckDbStore implements ManagedStore {
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
  static async open(path: string, opts: { readOnly?: boolean; engineThreads?: number } = {}): Promise<DuckDbStore> {
    const readOnly = opts.readOnly === true && path !== ':memory:';
    let instance: DuckDBInstance;
    try {
      // Never fetch or load extensions at run time: everything must work offline with core DuckDB.
      instance = await api.DuckDBInstance.create(path, {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        ...(readOnly ? { access_mode: 'READ_ONLY' } : {}),
        ...(opts.engineThreads ? { threads: String(opts.engineThreads) } : {}),
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
  async append(records: readonly FlowRecord[], mark?: StoreMark): Promise<void> {
    await this.appendColumns([toColumns(records)], mark);
  }

  /**
   * append() for batches already in column form (as the store worker receives them): no record
   * objects are made. All batches, and the mark, go into one transaction.
   */
  async appendColumns(batches: readonly RecordColumns[], mark?: StoreMark): Promise<void> {
    if (batches.every((b) => b.count === 0) && !mark) return;
    if (this.held && !mark) {
      // Inside begin(): one appender for the whole transaction, flushed at commit (or before any
      // other statement), so DuckDB fills whole row groups however small the batches that come.
      const a = await this.flowsAppender();
      this.fillFlows(a, batches);
      return;
    }
    await this.appendInTransaction('flows', (app) => this.fillFlows(app, batches), async () => {
      if (mark) await this.conn.run('INSERT OR REPLACE INTO flowmap_meta VALUES ($1, $2)', [mark.key, mark.value]);
    });
  }

  private fillFlows(app: DuckDBAppender, batches: readonly RecordColumns[]): void {
    // Read once: the filler reuses its chunk for as long as it is given the same types.
    this.flowTypes ??= Array.from({ length: app.columnCount }, (_, i) => app.columnType(i));
    const types = this.flowTypes;
    if (types.length !== FLOW_COLUMNS.length) throw new FlowmapError(`table flows in ${this.path} has ${types.length} columns, expected ${FLOW_COLUMNS.length}`);
    const size = api.DuckDBVector.standardSize();
    this.filler ??= new ChunkFiller(size);
    for (const cols of batches) {
      for (let i = 0; i < cols.count; i += size) app.appendDataChunk(this.filler.fill(types, SOURCES, cols, i, Math.min(size, cols.count - i)));
    }
  }

  private filler: ChunkFiller | undefined;
  private flowTypes: DuckDBType[] | undefined;
  /** The flows appender of begin()'s transaction, open between appends. */
  private heldAppender: DuckDBAppender | undefined;

  private async flowsAppender(): Promise<DuckDBAppender> {
    this.heldAppender ??= await this.conn.createAppender('flows');
    return this.heldAppender;
  }

  /** Flush and close the transaction's flows appender (before any other statement on the connection). */
  private flushHeld(): void {
    const a = this.heldAppender;
    this.heldAppender = undefined;
    a?.closeSync();
  }

  /**
   * One transaction around an appender on `table`: `fill` appends, the appender is flushed, `more`
   * runs in the same transaction, then COMMIT. Any failure rolls everything back.
   */
  private async appendInTransaction(table: string, fill: (a: DuckDBAppender) => void, more?: () => Promise<void>): Promise<void> {
    // Inside begin(): the rows join that transaction; a failure leaves it to the caller's rollback().
    if (this.held) return this.appendHeld(table, fill, more);
    await this.conn.run('BEGIN TRANSACTION');
    let a: DuckDBAppender | undefined;
    try {
      a = await this.conn.createAppender(table);
      fill(a);
      a.closeSync(); // flushes
      a = undefined;
      if (more) await more();
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

  private async appendHeld(table: string, fill: (a: DuckDBAppender) => void, more?: () => Promise<void>): Promise<void> {
    this.flushHeld();
    const a = await this.conn.createAppender(table);
    try {
      fill(a);
    } finally {
      a.closeSync(); // flushes
    }
    if (more) await more();
  }

  /** An open transaction of begin(): appends join it until commit() or rollback(). */
  private held = false;

  /** Hold every append that follows in one transaction (a capture file stored whole or not at all). */
  async begin(): Promise<void> {
    // DuckDB buffers five finished row groups of a large transaction before writing them out, and the
    // process kept that memory: ingest of a 1.1 GB capture (1 M records) peaked at 604-660 MiB, and at
    // 468-516 MiB with one. Only this transaction's buffer changes; collect's writes keep the default.
    await this.conn.run('SET write_buffer_row_group_count = 1');
    await this.conn.run('BEGIN TRANSACTION');
    this.held = true;
  }

  /** Commit begin()'s transaction, with `mark` stored in it. */
  async commit(mark?: StoreMark): Promise<void> {
    try {
      this.flushHeld();
    } catch (err) {
      // The rows could not be stored: nothing of the transaction is kept.
      await this.ended('ROLLBACK');
      throw err;
    }
    if (mark) await this.conn.run('INSERT OR REPLACE INTO flowmap_meta VALUES ($1, $2)', [mark.key, mark.value]);
    await this.ended('COMMIT');
  }

  async rollback(): Promise<void> {
    try {
      this.flushHeld();
    } catch {
      // discarded by the rollback anyway
    }
    await this.ended('ROLLBACK');
  }

  /** End begin()'s transaction, then DuckDB's default write buffer is back. */
  private async ended(how: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    this.held = false;
    try {
      await this.conn.run(how);
    } finally {
      // After a failed COMMIT the connection may refuse statements until a ROLLBACK: the COMMIT's
      // error is the one to report, and the next begin() sets the buffer anyway.
      await this.conn.run('RESET write_buffer_row_group_count').catch(() => undefined);
    }
  }

  async top<K extends TopKind>(kind: K, filter: FlowFilter): Promise<TopRows[K]> {
    const rows = await runSqlTop(kind, filter, duckdbDialect, (q) => this.rows(q.sql, q.params));
    return rows.map((r) => toRow(kind, r)) as TopRows[K];
  }

  async series(filter: FlowFilter, bucketMs: number): Promise<SeriesRow[]> {
    const q = seriesQuery(filter, bucketMs, duckdbDialect);
    return (await this.rows(q.sql, q.params)).map(seriesFromRow);
  }

  async topPer(kind: TopPerKind, filter: FlowFilter, bucketMs: number): Promise<TopPerRow[]> {
    const q = topPerQuery(kind, filter, bucketMs, duckdbDialect);
    return topPerRows(kind, await this.rows(q.sql, q.params));
  }

  keyedSeries(filter: FlowFilter, bucketMs: number, keys: SeriesKeys): Promise<KeyedSeriesRow[]> {
    return runKeyedSeries(filter, bucketMs, keys, duckdbDialect, (q) => this.rows(q.sql, q.params));
  }

  edgeSeries(filter: FlowFilter, bucketMs: number, edges: readonly EdgeRef[]): Promise<EdgeSeriesRow[]> {
    return runEdgeSeries(filter, bucketMs, edges, duckdbDialect, (q) => this.rows(q.sql, q.params));
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

  async sources(): Promise<SourceRow[]> {
    return (await this.rows(sourcesQuery(duckdbDialect), [])).map(sourceFromRow);
  }

  async getMark(key: string): Promise<string | null> {
    const rows = await this.conn.runAndReadAll('SELECT value FROM flowmap_meta WHERE name = $1', [key]);
    const r = rows.getRowObjectsJS()[0];
    return r ? String(r.value) : null;
  }

  async scan(fromMs: number, toMs: number, limit: number): Promise<FlowRecord[]> {
    const q = scanQuery(fromMs, toMs, limit, duckdbDialect);
    return (await this.rows(q.sql, q.params)).map(recordFromRow);
  }

  async purge(beforeMs: number): Promise<number> {
    const p = new ParamList(duckdbDialect);
    const where = purgeWhere(beforeMs, p);
    const n = num((await this.rows(`SELECT count(*) AS n FROM flows WHERE ${where}`, p.params))[0]?.n);
    if (n > 0) await this.rows(`DELETE FROM flows WHERE ${where}`, p.params);
    await this.rows(`DELETE FROM sockets WHERE ${where}`, p.params);
    return n;
  }

  /** One transaction: the stored versions of these periods out, the new ones in (appender). */
  async saveSockets(rows: readonly SocketRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.conn.run('BEGIN TRANSACTION');
    try {
      for (const q of deleteSocketPeriodsQueries(rows, duckdbDialect)) await this.rows(q.sql, q.params);
      const a = await this.conn.createAppender('sockets');
      try {
        for (const r of rows) {
          for (const v of [r.period_id, r.host, r.proto, r.state, r.address, r.local_addr]) a.appendVarchar(v);
          a.appendUSmallInt(r.local_port);
          a.appendVarchar(r.remote_addr);
          a.appendUSmallInt(r.remote_port);
          a.appendUInteger(r.pid);
          for (const v of [r.comm, r.exe, r.cmdline, r.username, r.container]) a.appendVarchar(v);
          a.appendUInteger(r.interval_ms);
          a.appendTimestamp(ts(r.first_seen));
          a.appendTimestamp(ts(r.last_seen));
          a.endRow();
        }
      } finally {
        a.closeSync();
      }
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK');
      throw err;
    }
  }

  sockets(query: SocketQuery): Promise<SocketRow[]> {
    return readSockets(query, duckdbDialect, (q) => this.rows(q.sql, q.params));
  }

  /** Through DuckDB's appender in chunks, in one transaction: a capture can yield tens of thousands of names. */
  async appendNames(rows: readonly NameRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.appendInTransaction('names', (a) => {
      const types = Array.from({ length: a.columnCount }, (_, i) => a.columnType(i));
      const size = api.DuckDBVector.standardSize();
      this.filler ??= new ChunkFiller(size);
      for (let i = 0; i < rows.length; i += size) a.appendDataChunk(this.filler.fillRows(types, NAME_SOURCES, rows, i, Math.min(size, rows.length - i)));
    });
  }

  async names(addresses: readonly string[]): Promise<NameRow[]> {
    const out: NameRow[] = [];
    const add = (r: JsRow): void => {
      const row = nameFromRow(r);
      if (row) out.push(row);
    };
    if (addresses.length > NAME_BATCH * 4) {
      // Many hosts: one scan of the table beats many long IN lists.
      const wanted = new Set(addresses);
      const q = namesQuery(null, duckdbDialect);
      for (const r of await this.rows(q.sql, q.params)) if (wanted.has(str(r.address))) add(r);
      return out;
    }
    for (let i = 0; i < addresses.length; i += NAME_BATCH) {
      const q = namesQuery(addresses.slice(i, i + NAME_BATCH), duckdbDialect);
      for (const r of await this.rows(q.sql, q.params)) add(r);
    }
    return out;
  }

  saveExporterHealth(run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
    this.flushHeld();
    return saveExporterHealthDuckdb(this.conn, run, rows, this.held);
  }

  exporterHealth(): Promise<ExporterHealthRow[]> {
    return exporterHealthDuckdb(this.conn);
  }

  /**
   * Let the next close() skip DuckDB's checkpoint. For writers that open the file only per batch
   * (live capture, collect): a large transaction's rows are already in the file, the write-ahead log
   * holds only their block pointers, and a reader replays it on open; checkpointing at every close
   * was most of such a writer's time. The writer checkpoints now and then, and at its last close.
   */
  async deferCheckpoint(): Promise<void> {
    await this.conn.run('PRAGMA disable_checkpoint_on_shutdown');
  }

  async close(): Promise<void> {
    try {
      this.flushHeld();
    } catch {
      // an uncommitted transaction is discarded with the connection anyway
    }
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private async rows(sql: string, params: readonly SqlParam[]): Promise<JsRow[]> {
    this.flushHeld();
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
    case 'text':
      stmt.bindVarchar(i, p.value);
      break;
  }
}

/** The names table's columns (NAME_COLUMNS order), for ChunkFiller.fillRows. */
const NAME_SOURCES: readonly RowColumn<NameRow>[] = [
  { name: 'address', kind: 'text', value: (r) => r.address },
  { name: 'name', kind: 'text', value: (r) => r.name },
  { name: 'source', kind: 'text', value: (r) => r.source },
  { name: 'first_seen', kind: 'time', value: (r) => Date.parse(r.first_seen) },
  { name: 'last_seen', kind: 'time', value: (r) => Date.parse(r.last_seen) },
];

/** Where each column of FLOW_COLUMNS comes from, in table order (exported for the bench's bare-appender figure). */
export const SOURCES: readonly ColumnSource[] = [
  { name: 'first_seen', kind: 'timestamp', field: F.firstSeen },
  { name: 'last_seen', kind: 'timestamp', field: F.lastSeen },
  { name: 'client', kind: 'addr-text', side: 'client' },
  { name: 'server', kind: 'addr-text', side: 'server' },
  { name: 'client_hi', kind: 'addr-half', side: 'client', half: 0 },
  { name: 'client_lo', kind: 'addr-half', side: 'client', half: 1 },
  { name: 'server_hi', kind: 'addr-half', side: 'server', half: 0 },
  { name: 'server_lo', kind: 'addr-half', side: 'server', half: 1 },
  { name: 'client_port', kind: 'number', field: F.clientPort },
  { name: 'server_port', kind: 'number', field: F.serverPort },
  { name: 'proto', kind: 'number', field: F.proto },
  { name: 'ip_version', kind: 'number', field: F.ipVersion },
  { name: 'vlan', kind: 'number', field: F.vlan },
  { name: 'bytes_c2s', kind: 'number', field: F.bytesC2s },
  { name: 'bytes_s2c', kind: 'number', field: F.bytesS2c },
  { name: 'packets_c2s', kind: 'number', field: F.packetsC2s },
  { name: 'packets_s2c', kind: 'number', field: F.packetsS2c },
  { name: 'raw_bytes_c2s', kind: 'raw', field: F.bytesC2s },
  { name: 'raw_bytes_s2c', kind: 'raw', field: F.bytesS2c },
  { name: 'raw_packets_c2s', kind: 'raw', field: F.packetsC2s },
  { name: 'raw_packets_s2c', kind: 'raw', field: F.packetsS2c },
  { name: 'sampling_rate', kind: 'rate' },
  { name: 'tcp_flags_c2s', kind: 'number', field: F.tcpFlagsC2s },
  { name: 'tcp_flags_s2c', kind: 'number', field: F.tcpFlagsS2c },
  { name: 'direction', kind: 'direction' },
  { name: 'source', kind: 'source' },
  { name: 'exporter', kind: 'exporter' },
  { name: 'in_if', kind: 'number', field: F.inIf },
  { name: 'out_if', kind: 'number', field: F.outIf },
  { name: 'starts', kind: 'number', field: F.starts },
];

function firstLine(s: string): string {
  return s.split('\n')[0];
}

/** The database file is held by another process (DuckDB allows one writer, or several readers). */
export class StoreBusyError extends FlowmapError {
  override name = 'StoreBusyError';
}

/** Expected open failures, in words: locked (exit 1), not a database / missing (usage, exit 2). */
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
