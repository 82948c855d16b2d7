/**
 * Flow store in MariaDB (or MySQL): flowmap's own schema (schema.ts), migrated on open, batched
 * inserts through the driver's bulk protocol, the shared SQL (sql.ts) with `?` parameters.
 */
import mariadb, { type Connection } from 'mariadb';
import type { FlowFilter } from '../filter/filter.js';
import type { FlowRecord } from '../flow/record.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { addrHiLo } from '../util/ip.js';
import type { NameRow } from '../names/names.js';
import { NAME_BATCH, nameFromRow, rawCounter, recordFromRow, num, seriesFromRow, sourceFromRow, toRow, type JsRow } from './rows.js';
import { FLOW_COLUMNS, MIGRATIONS, NAME_COLUMNS, SCHEMA_VERSION, createVersionTableSql } from './schema.js';
import type { MariaDbSpec } from './spec.js';
import { ParamList, namesQuery, purgeWhere, scanQuery, seriesQuery, sourcesQuery, type SqlDialect, type SqlParam } from './sql.js';
import { runSqlTop } from './sql-top.js';
import { runEdgeSeries } from './sql-edge-series.js';
import { runKeyedSeries } from './sql-keyed-series.js';
import { topPerQuery, topPerRows } from './sql-top-per.js';
import type { EdgeRef, EdgeSeriesRow, ExporterHealthRow, KeyedSeriesRow, SeriesKeys, TopPerKind, TopPerRow, ManagedStore, SeriesRow, SocketQuery, SocketRow, SourceRow, StoreMark, StoreStats, TopKind, TopRows } from './store.js';
import { SOCKET_COLUMN_NAMES, deleteSocketPeriodsQueries, readSockets, socketValues } from './sql-sockets.js';
import { EXPORTER_COLUMNS, counter, lastSeenMs, mergeHealthRuns, savedFromRow, savedHealthSql } from './exporters.js';

/** DATETIME(3) text of epoch ms, UTC (the column has no zone; flowmap stores UTC). */
export function mariadbTime(ms: number): string {
  return new Date(Math.round(ms)).toISOString().slice(0, 23).replace('T', ' ');
}

export const mariadbDialect: SqlDialect = {
  name: 'mariadb',
  placeholder: () => '?',
  // Independent of the session time zone and of UNIX_TIMESTAMP's 1970-2106 range.
  epochMs: (e) => `(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ${e}) DIV 1000)`,
  // Rows where any argument is NULL are not counted: the condition nulls the first.
  countDistinctIf: (xs, cond) => `COUNT(DISTINCT ${[`IF(${cond}, ${xs[0]}, NULL)`, ...xs.slice(1)].join(', ')})`,
  edgesInOnePass: true,
};

function paramValue(p: SqlParam): unknown {
  switch (p.type) {
    case 'u64':
      return p.value;
    case 'int':
      return p.value;
    case 'time':
      return mariadbTime(p.ms);
    case 'text':
      return p.value;
  }
}

const INSERT_SQL = `INSERT INTO flows (${FLOW_COLUMNS.map((c) => c.name).join(', ')}) VALUES (${FLOW_COLUMNS.map(() => '?').join(', ')})`;

const NAMES_INSERT_SQL = `INSERT INTO names (${NAME_COLUMNS.map((c) => c.name).join(', ')}) VALUES (${NAME_COLUMNS.map(() => '?').join(', ')})`;

const SOCKETS_INSERT_SQL = `INSERT INTO sockets (${SOCKET_COLUMN_NAMES.join(', ')}) VALUES (${SOCKET_COLUMN_NAMES.map(() => '?').join(', ')})`;

const EXPORTERS_INSERT_SQL = `INSERT INTO exporters (${EXPORTER_COLUMNS.join(', ')}) VALUES (${EXPORTER_COLUMNS.map(() => '?').join(', ')})`;

/** One exporter-health row as the INSERT's values, in EXPORTER_COLUMNS order. */
function healthValues(run: string, r: ExporterHealthRow): unknown[] {
  return [
    run, r.exporter, counter(r.domain), r.protocol, counter(r.datagrams), counter(r.records), counter(r.sequence_gaps),
    counter(r.template_misses), counter(r.errors), JSON.stringify(r.error_reasons), counter(r.sampling_rate), counter(r.kernel_drops),
    mariadbTime(lastSeenMs(r)),
  ];
}

/** One record as the INSERT's values, in FLOW_COLUMNS order. */
function values(r: FlowRecord): unknown[] {
  const c = addrHiLo(r.client);
  const s = addrHiLo(r.server);
  const rate = r.samplingRate >= 1 ? r.samplingRate : 1;
  return [
    mariadbTime(r.firstSeen), mariadbTime(r.lastSeen), r.client, r.server, c.hi, c.lo, s.hi, s.lo,
    r.clientPort, r.serverPort, r.proto, r.ipVersion, r.vlan,
    Math.round(r.bytesC2s), Math.round(r.bytesS2c), Math.round(r.packetsC2s), Math.round(r.packetsS2c),
    rawCounter(r.bytesC2s, rate), rawCounter(r.bytesS2c, rate), rawCounter(r.packetsC2s, rate), rawCounter(r.packetsS2c, rate),
    rate, r.tcpFlagsC2s, r.tcpFlagsS2c, r.direction, r.source, r.exporter, r.inIf, r.outIf, r.starts,
  ];
}

/** Rows per bulk statement: bounds the packet size the driver builds. */
const INSERT_CHUNK = 10_000;
/** MariaDB error numbers that mean "not a flowmap database (yet)", as opposed to a server going away. */
const ER_BAD_DB_ERROR = 1049;
const ER_NO_SUCH_TABLE = 1146;

export class MariaDbStore implements ManagedStore {
  private constructor(
    private readonly conn: Connection,
    private readonly spec: MariaDbSpec,
    readonly readOnly: boolean,
  ) {}

  get label(): string {
    return `mariadb://${this.spec.host}:${this.spec.port}/${this.spec.database}`;
  }

  static async open(spec: MariaDbSpec, opts: { readOnly?: boolean } = {}): Promise<MariaDbStore> {
    let conn: Connection;
    try {
      conn = await mariadb.createConnection({
        host: spec.host,
        port: spec.port,
        user: spec.user,
        password: spec.password,
        // Sums of BIGINT UNSIGNED come back as DECIMAL: as text, converted by rows.ts, never rounded by the driver.
        bigIntAsNumber: false,
        decimalAsNumber: false,
        connectTimeout: 5000,
      });
    } catch (e) {
      throw new FlowmapError(`cannot connect to MariaDB at ${spec.host}:${spec.port} as ${spec.user}: ${(e as Error).message}`, { cause: e });
    }
    await conn.query("SET time_zone = '+00:00'");
    return new MariaDbStore(conn, spec, opts.readOnly === true);
  }

  async init(): Promise<void> {
    const db = this.spec.database;
    if (!this.readOnly) await this.conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\``);
    try {
      await this.conn.query(`USE \`${db}\``);
    } catch (e) {
      // Only a missing database is the user's to fix; a server going away mid-open is transient (collect retries it).
      if ((e as { errno?: unknown }).errno !== ER_BAD_DB_ERROR) throw e;
      throw new UsageError(`no flows stored yet in ${this.label}: the database does not exist (ingest some flows first, or run flowmap db init)`);
    }
    // Two flowmap processes starting together must not both migrate.
    if (!this.readOnly) await this.conn.query("SELECT GET_LOCK('flowmap_migrate', 30)");
    try {
      if (!this.readOnly) await this.conn.query(createVersionTableSql('mariadb'));
      let current: number;
      try {
        const rows = (await this.conn.query('SELECT max(version) AS v FROM schema_version')) as JsRow[];
        current = rows[0]?.v == null ? 0 : num(rows[0].v);
      } catch (e) {
        if ((e as { errno?: unknown }).errno !== ER_NO_SUCH_TABLE) throw e;
        throw new UsageError(`${this.label} is not a flowmap database (no schema_version table)`);
      }
      if (current > SCHEMA_VERSION) {
        throw new FlowmapError(`database ${this.label} has schema version ${current}, newer than this flowmap (${SCHEMA_VERSION}); upgrade flowmap`);
      }
      if (current < SCHEMA_VERSION && this.readOnly) {
        throw new FlowmapError(`database ${this.label} has schema version ${current}; open it once for writing to migrate it to ${SCHEMA_VERSION}`);
      }
      // MariaDB commits DDL implicitly: each step is idempotent (IF NOT EXISTS) and recorded after it ran.
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const stmt of m.sql.mariadb) await this.conn.query(stmt);
        await this.conn.query('INSERT INTO schema_version VALUES (?)', [m.version]);
      }
    } finally {
      if (!this.readOnly) await this.conn.query("SELECT RELEASE_LOCK('flowmap_migrate')");
    }
  }

  /** An open transaction of begin(): appends join it (a nested BEGIN would commit it implicitly). */
  private held = false;

  /** Hold every append that follows in one transaction (a capture file stored whole or not at all). */
  async begin(): Promise<void> {
    await this.conn.beginTransaction();
    this.held = true;
  }

  /** Commit begin()'s transaction, with `mark` stored in it. */
  async commit(mark?: StoreMark): Promise<void> {
    if (mark) await this.setMark(mark);
    await this.conn.commit();
    this.held = false;
  }

  async rollback(): Promise<void> {
    this.held = false;
    await this.conn.rollback();
  }

  private async setMark(mark: StoreMark): Promise<void> {
    await this.conn.query('INSERT INTO flowmap_meta (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)', [mark.key, mark.value]);
  }

  /** All-or-nothing (one transaction), the mark included. */
  async append(records: readonly FlowRecord[], mark?: StoreMark): Promise<void> {
    if (records.length === 0 && !mark) return;
    if (this.held) return this.insertRecords(records, mark);
    await this.conn.beginTransaction();
    try {
      await this.insertRecords(records, mark);
      await this.conn.commit();
    } catch (e) {
      await this.conn.rollback();
      throw e;
    }
  }

  private async insertRecords(records: readonly FlowRecord[], mark?: StoreMark): Promise<void> {
    for (let i = 0; i < records.length; i += INSERT_CHUNK) {
      await this.conn.batch(INSERT_SQL, records.slice(i, i + INSERT_CHUNK).map(values));
    }
    if (mark) await this.setMark(mark);
  }

  async appendNames(rows: readonly NameRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.held) return this.insertNames(rows);
    await this.conn.beginTransaction();
    try {
      await this.insertNames(rows);
      await this.conn.commit();
    } catch (e) {
      await this.conn.rollback();
      throw e;
    }
  }

  private async insertNames(rows: readonly NameRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await this.conn.batch(
        NAMES_INSERT_SQL,
        rows.slice(i, i + INSERT_CHUNK).map((r) => [r.address, r.name, r.source, mariadbTime(Date.parse(r.first_seen)), mariadbTime(Date.parse(r.last_seen))]),
      );
    }
  }

  async names(addresses: readonly string[]): Promise<NameRow[]> {
    const out: NameRow[] = [];
    for (let i = 0; i < addresses.length; i += NAME_BATCH) {
      const q = namesQuery(addresses.slice(i, i + NAME_BATCH), mariadbDialect);
      for (const r of await this.rows(q.sql, q.params)) {
        const row = nameFromRow(r);
        if (row) out.push(row);
      }
    }
    return out;
  }

  /** One transaction: the run's previous rows out, its current totals in. */
  async saveExporterHealth(run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
    if (this.held) return this.writeHealth(run, rows);
    await this.conn.beginTransaction();
    try {
      await this.writeHealth(run, rows);
      await this.conn.commit();
    } catch (e) {
      await this.conn.rollback();
      throw e;
    }
  }

  private async writeHealth(run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
    await this.conn.query('DELETE FROM exporters WHERE run = ?', [run]);
    if (rows.length > 0) await this.conn.batch(EXPORTERS_INSERT_SQL, rows.map((r) => healthValues(run, r)));
  }

  async exporterHealth(): Promise<ExporterHealthRow[]> {
    return mergeHealthRuns((await this.rows(savedHealthSql(mariadbDialect), [])).map(savedFromRow));
  }

  async sources(): Promise<SourceRow[]> {
    return (await this.rows(sourcesQuery(mariadbDialect), [])).map(sourceFromRow);
  }

  async getMark(key: string): Promise<string | null> {
    const rows = (await this.conn.query('SELECT value FROM flowmap_meta WHERE name = ?', [key])) as JsRow[];
    return rows[0] ? String(rows[0].value) : null;
  }

  async top<K extends TopKind>(kind: K, filter: FlowFilter): Promise<TopRows[K]> {
    const rows = await runSqlTop(kind, filter, mariadbDialect, (q) => this.rows(q.sql, q.params));
    return rows.map((r) => toRow(kind, r)) as TopRows[K];
  }

  async series(filter: FlowFilter, bucketMs: number): Promise<SeriesRow[]> {
    const q = seriesQuery(filter, bucketMs, mariadbDialect);
    return (await this.rows(q.sql, q.params)).map(seriesFromRow);
  }

  async topPer(kind: TopPerKind, filter: FlowFilter, bucketMs: number): Promise<TopPerRow[]> {
    const q = topPerQuery(kind, filter, bucketMs, mariadbDialect);
    return topPerRows(kind, await this.rows(q.sql, q.params));
  }

  keyedSeries(filter: FlowFilter, bucketMs: number, keys: SeriesKeys): Promise<KeyedSeriesRow[]> {
    return runKeyedSeries(filter, bucketMs, keys, mariadbDialect, (q) => this.rows(q.sql, q.params));
  }

  edgeSeries(filter: FlowFilter, bucketMs: number, edges: readonly EdgeRef[]): Promise<EdgeSeriesRow[]> {
    return runEdgeSeries(filter, bucketMs, edges, mariadbDialect, (q) => this.rows(q.sql, q.params));
  }

  async scan(fromMs: number, toMs: number, limit: number): Promise<FlowRecord[]> {
    const q = scanQuery(fromMs, toMs, limit, mariadbDialect);
    return (await this.rows(q.sql, q.params)).map(recordFromRow);
  }

  async purge(beforeMs: number): Promise<number> {
    const p = new ParamList(mariadbDialect);
    const where = purgeWhere(beforeMs, p);
    const res = (await this.conn.query(`DELETE FROM flows WHERE ${where}`, p.params.map(paramValue))) as { affectedRows: number };
    await this.conn.query(`DELETE FROM sockets WHERE ${where}`, p.params.map(paramValue));
    return num(res.affectedRows);
  }

  /** One transaction: the stored versions of these periods out, the new ones in. */
  async saveSockets(rows: readonly SocketRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.conn.beginTransaction();
    try {
      for (const q of deleteSocketPeriodsQueries(rows, mariadbDialect)) await this.conn.query(q.sql, q.params.map(paramValue));
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await this.conn.batch(SOCKETS_INSERT_SQL, rows.slice(i, i + INSERT_CHUNK).map((r) => {
          const v: unknown[] = socketValues(r);
          v[v.length - 2] = mariadbTime(r.first_seen);
          v[v.length - 1] = mariadbTime(r.last_seen);
          return v;
        }));
      }
      await this.conn.commit();
    } catch (e) {
      await this.conn.rollback();
      throw e;
    }
  }

  sockets(query: SocketQuery): Promise<SocketRow[]> {
    return readSockets(query, mariadbDialect, (q) => this.rows(q.sql, q.params));
  }

  async stats(): Promise<StoreStats> {
    const d = mariadbDialect;
    const r = (await this.rows(`SELECT count(*) AS n, ${d.epochMs('min(first_seen)')} AS f, ${d.epochMs('max(last_seen)')} AS l FROM flows`, []))[0] ?? {};
    return {
      records: num(r.n ?? 0),
      firstSeen: r.f == null ? null : new Date(num(r.f)).toISOString(),
      lastSeen: r.l == null ? null : new Date(num(r.l)).toISOString(),
    };
  }

  async close(): Promise<void> {
    await this.conn.end();
  }

  private async rows(sql: string, params: readonly SqlParam[]): Promise<JsRow[]> {
    return (await this.conn.query(sql, params.map(paramValue))) as JsRow[];
  }
}

