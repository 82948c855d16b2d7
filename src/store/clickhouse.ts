/**
 * Flow store in ClickHouse 18.16: a MergeTree table partitioned by UTC day, sorted by time then
 * client (time-window and host queries read few granules). With `?cluster=NAME`, every shard holds
 * a local MergeTree table `flows_local` and a Distributed table `flows` over them; inserts and
 * queries go through `flows`. 18.16 has no TTL, so retention drops whole expired day partitions and
 * deletes the rest with a mutation.
 */
import type { FlowFilter } from '../filter/filter.js';
import type { FlowRecord } from '../flow/record.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { chIdent, chLiteral, chString, clickhouseDialect, tsvField } from './clickhouse-sql.js';
import { ClickHouseError, ClickHouseHttp } from './clickhouse-http.js';
import { rowBinary } from './clickhouse-rowbinary.js';
import type { NameRow } from '../names/names.js';
import { NAME_BATCH, nameFromRow, recordFromRow, num, seriesFromRow, sourceFromRow, toRow, type JsRow } from './rows.js';
import { CLICKHOUSE_DAY_PARTITION, FLOW_COLUMNS, MIGRATIONS, NAME_COLUMNS, SCHEMA_VERSION, createVersionTableSql } from './schema.js';
import type { ClickHouseSpec } from './spec.js';
import { ParamList, namesQuery, purgeWhere, scanQuery, seriesQuery, sourcesQuery } from './sql.js';
import { runSqlTop } from './sql-top.js';
import { runEdgeSeries } from './sql-edge-series.js';
import { runKeyedSeries } from './sql-keyed-series.js';
import { topPerQuery, topPerRows } from './sql-top-per.js';
import type { EdgeRef, EdgeSeriesRow, ExporterHealthRow, KeyedSeriesRow, SeriesKeys, TopPerKind, TopPerRow, ManagedStore, SeriesRow, SocketQuery, SocketRow, SourceRow, StoreMark, StoreStats, TopKind, TopRows } from './store.js';
import { SOCKET_COLUMN_NAMES, readSockets, socketValues } from './sql-sockets.js';
import { EXPORTER_COLUMNS, counter, lastSeenMs, mergeHealthRuns, savedFromRow, savedHealthSql } from './exporters.js';

const COLUMNS = FLOW_COLUMNS.map((c) => c.name);
/** Reads see a batch as soon as append returns, also through a Distributed table. */
const INSERT_SETTINGS = { insert_distributed_sync: '1' };
const UNKNOWN_DATABASE = 81;

/** The migration statement for a cluster's shards: the MergeTree table is `flows_local` there. */
function onLocalTable(sql: string): string | null {
  const m = /^(CREATE TABLE IF NOT EXISTS|ALTER TABLE) flows\b/.exec(sql);
  return m ? sql.replace(/^(CREATE TABLE IF NOT EXISTS|ALTER TABLE) flows\b/, '$1 flows_local') : null;
}

export class ClickHouseStore implements ManagedStore {
  private readonly http: ClickHouseHttp;
  private shardHttp: ClickHouseHttp[] = [];
  private lastMarkAt = 0;

  private constructor(
    private readonly spec: ClickHouseSpec,
    readonly readOnly: boolean,
  ) {
    this.http = new ClickHouseHttp({ url: spec.url, user: spec.user, password: spec.password }, chIdent(spec.database));
    if (spec.cluster) chIdent(spec.cluster);
  }

  static open(spec: ClickHouseSpec, opts: { readOnly?: boolean } = {}): ClickHouseStore {
    return new ClickHouseStore(spec, opts.readOnly === true);
  }

  get label(): string {
    return `clickhouse ${this.spec.url}/${this.spec.database}${this.spec.cluster ? ` (cluster ${this.spec.cluster})` : ''}`;
  }

  /** The MergeTree table on each node that holds data. */
  private get localTable(): string {
    return this.spec.cluster ? 'flows_local' : 'flows';
  }

  /** HTTP endpoints of every shard (cluster), or just the node (single). */
  private async shards(): Promise<ClickHouseHttp[]> {
    if (this.shardHttp.length) return this.shardHttp;
    if (!this.spec.cluster) return (this.shardHttp = [this.http]);
    let urls = this.spec.shards;
    if (!urls) {
      const rows = await this.http.server().rows<{ host_address: string }>(
        `SELECT host_address FROM system.clusters WHERE cluster = ${chString(this.spec.cluster)} ORDER BY shard_num, replica_num`,
      );
      const port = new URL(this.spec.url).port || '8123';
      urls = rows.map((r) => `http://${r.host_address.includes(':') ? `[${r.host_address}]` : r.host_address}:${port}`);
    }
    if (urls.length === 0) throw new UsageError(`${this.label}: the server defines no cluster ${JSON.stringify(this.spec.cluster)} in remote_servers`);
    return (this.shardHttp = urls.map((u) => this.http.at(u)));
  }

  async init(): Promise<void> {
    const db = chIdent(this.spec.database);
    if (!this.readOnly) {
      for (const s of [this.http, ...(await this.shards())]) await s.server().exec(`CREATE DATABASE IF NOT EXISTS ${db}`);
      await this.http.exec(createVersionTableSql('clickhouse'));
    }
    let current: number;
    try {
      current = num((await this.http.rows<{ v: string }>('SELECT max(version) AS v FROM schema_version'))[0]?.v);
    } catch (e) {
      if (e instanceof ClickHouseError && e.code === UNKNOWN_DATABASE) {
        throw new UsageError(`no flows stored yet in ${this.label}: the database does not exist (ingest some flows first, or run flowmap db init)`);
      }
      if (e instanceof ClickHouseError) throw new UsageError(`${this.label} is not a flowmap database (no schema_version table)`);
      throw e;
    }
    if (current > SCHEMA_VERSION) throw new FlowmapError(`database ${this.label} has schema version ${current}, newer than this flowmap (${SCHEMA_VERSION}); upgrade flowmap`);
    if (current < SCHEMA_VERSION && this.readOnly) {
      throw new FlowmapError(`database ${this.label} has schema version ${current}; open it once for writing to migrate it to ${SCHEMA_VERSION}`);
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      for (const stmt of m.sql.clickhouse) await this.migrate(stmt);
      if (m.clickhouseOrderBy) await this.rebuildFlows(m.clickhouseOrderBy);
      await this.http.exec(`INSERT INTO schema_version VALUES (${chLiteral({ type: 'int', value: m.version })})`);
    }
  }

  /**
   * The flows table built again with a new sort key, on every node that holds data (`flows_local` in
   * a cluster: the Distributed table finds the new one by name). Safe to run again after a crash at
   * any step: leftovers of an earlier attempt are dropped first, and the old table is renamed away
   * only once the copy is complete. Writers must be stopped meanwhile (rows they add to the old table
   * during the copy would not be carried over).
   */
  private async rebuildFlows(orderBy: string): Promise<void> {
    const table = this.localTable;
    const [next, old] = [`${table}_rebuild`, `${table}_old`];
    for (const s of await this.shards()) {
      const names = new Set((await s.rows<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()')).map((r) => r.name));
      if (!names.has(table) && names.has(next)) {
        // Cut short between the two renames: the copy was complete, only its rename is left.
        await s.exec(`RENAME TABLE ${next} TO ${table}`);
        await s.exec(`DROP TABLE IF EXISTS ${old}`);
        continue;
      }
      await s.exec(`DROP TABLE IF EXISTS ${next}`);
      await s.exec(`DROP TABLE IF EXISTS ${old}`);
      await s.exec(`CREATE TABLE ${next} AS ${table} ENGINE = MergeTree() PARTITION BY ${CLICKHOUSE_DAY_PARTITION} ORDER BY ${orderBy}`);
      await s.exec(`INSERT INTO ${next} SELECT * FROM ${table}`);
      await s.exec(`RENAME TABLE ${table} TO ${old}, ${next} TO ${table}`);
      await s.exec(`DROP TABLE ${old}`);
    }
  }

  /** A flows-table step runs on every shard (and the Distributed table follows); others on this node. */
  private async migrate(stmt: string): Promise<void> {
    const local = this.spec.cluster ? onLocalTable(stmt) : null;
    if (!local) {
      await this.http.exec(stmt);
      return;
    }
    const dist = `ENGINE = Distributed(${chIdent(this.spec.cluster ?? '')}, ${chIdent(this.spec.database)}, flows_local, rand())`;
    for (const s of await this.shards()) {
      await s.exec(local);
      if (stmt.startsWith('CREATE')) await s.exec(`CREATE TABLE IF NOT EXISTS flows AS flows_local ${dist}`);
      else await s.exec(stmt);
    }
  }

  /**
   * One INSERT per batch (ClickHouse writes a block atomically up to max_insert_block_size rows).
   * The mark follows the batch: a crash between the two re-imports that one batch.
   */
  async append(records: readonly FlowRecord[], mark?: StoreMark): Promise<void> {
    if (records.length > 0) {
      await this.http.insertRowBinary('flows', COLUMNS, rowBinary(records), INSERT_SETTINGS);
    }
    if (mark) {
      // No UPDATE: a new row per write, the latest `at` wins (kept increasing within this process).
      this.lastMarkAt = Math.max(Date.now(), this.lastMarkAt + 1);
      await this.http.exec(`INSERT INTO flowmap_meta VALUES (${chString(mark.key)}, ${chString(mark.value)}, ${chLiteral({ type: 'u64', value: BigInt(this.lastMarkAt) })})`);
    }
  }

  async appendNames(rows: readonly NameRow[]): Promise<void> {
    if (rows.length === 0) return;
    const body = rows.map((r) => [tsvField(r.address), tsvField(r.name), tsvField(r.source), String(Date.parse(r.first_seen)), String(Date.parse(r.last_seen))].join('\t')).join('\n') + '\n';
    await this.http.insertTsv('names', NAME_COLUMNS.map((c) => c.name), body, INSERT_SETTINGS);
  }

  /** No DELETE: a period written again is a new row; ReplacingMergeTree keeps the latest (read FINAL). */
  async saveSockets(rows: readonly SocketRow[]): Promise<void> {
    if (rows.length === 0) return;
    const body = rows.map((r) => socketValues(r).map((v) => (typeof v === 'number' ? String(Math.round(v)) : tsvField(v))).join('\t')).join('\n') + '\n';
    await this.http.insertTsv('sockets', SOCKET_COLUMN_NAMES, body, INSERT_SETTINGS);
  }

  sockets(query: SocketQuery): Promise<SocketRow[]> {
    return readSockets(query, clickhouseDialect, (q) => this.http.rows<JsRow>(q.sql), 'sockets FINAL');
  }

  async names(addresses: readonly string[]): Promise<NameRow[]> {
    const out: NameRow[] = [];
    for (let i = 0; i < addresses.length; i += NAME_BATCH) {
      const q = namesQuery(addresses.slice(i, i + NAME_BATCH), clickhouseDialect);
      for (const r of await this.http.rows<JsRow>(q.sql)) {
        const row = nameFromRow(r);
        if (row) out.push(row);
      }
    }
    return out;
  }

  /** Inserted again on every save: the newest row per (run, exporter, domain, protocol) wins (FINAL). */
  async saveExporterHealth(run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
    if (rows.length === 0) return;
    const body = rows
      .map((r) =>
        [
          tsvField(run), tsvField(r.exporter), counter(r.domain), tsvField(r.protocol), counter(r.datagrams), counter(r.records), counter(r.sequence_gaps),
          counter(r.template_misses), counter(r.errors), tsvField(JSON.stringify(r.error_reasons)), counter(r.sampling_rate), counter(r.kernel_drops), lastSeenMs(r),
        ].join('\t'),
      )
      .join('\n') + '\n';
    await this.http.insertTsv('exporters', [...EXPORTER_COLUMNS], body, INSERT_SETTINGS);
  }

  async exporterHealth(): Promise<ExporterHealthRow[]> {
    return mergeHealthRuns((await this.http.rows<JsRow>(savedHealthSql(clickhouseDialect, 'exporters FINAL'))).map(savedFromRow));
  }

  async sources(): Promise<SourceRow[]> {
    return (await this.http.rows<JsRow>(sourcesQuery(clickhouseDialect))).map(sourceFromRow);
  }

  async getMark(key: string): Promise<string | null> {
    const rows = await this.http.rows<{ value: string }>(`SELECT value FROM flowmap_meta WHERE name = ${chString(key)} ORDER BY at DESC LIMIT 1`);
    return rows[0] ? rows[0].value : null;
  }

  async top<K extends TopKind>(kind: K, filter: FlowFilter): Promise<TopRows[K]> {
    const rows = await runSqlTop(kind, filter, clickhouseDialect, (q) => this.http.rows<JsRow>(q.sql));
    return rows.map((r) => toRow(kind, r)) as TopRows[K];
  }

  async series(filter: FlowFilter, bucketMs: number): Promise<SeriesRow[]> {
    return (await this.http.rows<JsRow>(seriesQuery(filter, bucketMs, clickhouseDialect).sql)).map(seriesFromRow);
  }

  async topPer(kind: TopPerKind, filter: FlowFilter, bucketMs: number): Promise<TopPerRow[]> {
    const q = topPerQuery(kind, filter, bucketMs, clickhouseDialect);
    return topPerRows(kind, await this.http.rows<JsRow>(q.sql));
  }

  keyedSeries(filter: FlowFilter, bucketMs: number, keys: SeriesKeys): Promise<KeyedSeriesRow[]> {
    return runKeyedSeries(filter, bucketMs, keys, clickhouseDialect, (q) => this.http.rows<JsRow>(q.sql));
  }

  edgeSeries(filter: FlowFilter, bucketMs: number, edges: readonly EdgeRef[]): Promise<EdgeSeriesRow[]> {
    return runEdgeSeries(filter, bucketMs, edges, clickhouseDialect, (q) => this.http.rows<JsRow>(q.sql));
  }

  async scan(fromMs: number, toMs: number, limit: number): Promise<FlowRecord[]> {
    return (await this.http.rows<JsRow>(scanQuery(fromMs, toMs, limit, clickhouseDialect).sql)).map(recordFromRow);
  }

  async purge(beforeMs: number): Promise<number> {
    const where = purgeWhere(beforeMs, new ParamList(clickhouseDialect));
    await this.purgeSockets(where);
    const n = num((await this.http.rows<{ n: string }>(`SELECT count() AS n FROM flows WHERE ${where}`))[0]?.n);
    if (n === 0) return 0;
    const table = this.localTable;
    for (const s of await this.shards()) {
      // Whole days that ended before the cutoff go at once; the boundary day by a mutation.
      const days = await s.rows<{ d: number }>(`SELECT ${CLICKHOUSE_DAY_PARTITION} AS d FROM ${table} GROUP BY d HAVING max(last_seen) < ${chLiteral({ type: 'time', ms: beforeMs })}`);
      for (const { d } of days) await s.exec(`ALTER TABLE ${table} DROP PARTITION ${chLiteral({ type: 'int', value: num(d) })}`);
      const left = num((await s.rows<{ n: string }>(`SELECT count() AS n FROM ${table} WHERE ${where}`))[0]?.n);
      if (left > 0) {
        await s.exec(`ALTER TABLE ${table} DELETE WHERE ${where}`);
        await this.waitForMutations(s, table);
      }
    }
    return n;
  }

  /** Socket periods that ended before the cutoff (the table lives on this node only). */
  private async purgeSockets(where: string): Promise<void> {
    const left = num((await this.http.rows<{ n: string }>(`SELECT count() AS n FROM sockets WHERE ${where}`))[0]?.n);
    if (left === 0) return;
    await this.http.exec(`ALTER TABLE sockets DELETE WHERE ${where}`);
    await this.waitForMutations(this.http, 'sockets');
  }

  /** 18.16 has no mutations_sync: poll until the server reports every mutation done. */
  private async waitForMutations(s: ClickHouseHttp, table: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const rows = await s.rows<{ n: string }>(
        `SELECT count() AS n FROM system.mutations WHERE database = ${chString(this.spec.database)} AND table = ${chString(table)} AND is_done = 0`,
      );
      if (num(rows[0]?.n) === 0) return;
      if (Date.now() > deadline) throw new FlowmapError(`${this.label}: retention delete still running after 2 minutes; it completes in the background`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stats(): Promise<StoreStats> {
    const r = (await this.http.rows<JsRow>('SELECT count() AS n, min(first_seen) AS f, max(last_seen) AS l FROM flows'))[0] ?? {};
    const n = num(r.n);
    return {
      records: n,
      firstSeen: n === 0 ? null : new Date(num(r.f)).toISOString(),
      lastSeen: n === 0 ? null : new Date(num(r.l)).toISOString(),
    };
  }

  async close(): Promise<void> {
    // HTTP: nothing held open.
  }
}
