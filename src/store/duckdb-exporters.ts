/** The `exporters` table in DuckDB: save one run's health rows, read every run back. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { timestampMs } from './duckdb-api.js';
import { counter, lastSeenMs, mergeHealthRuns, savedFromRow, savedHealthSql } from './exporters.js';
import type { JsRow } from './rows.js';
import { duckdbDialect } from './sql.js';
import type { ExporterHealthRow } from './store.js';

const INSERT = `INSERT INTO exporters (run, exporter, domain, protocol, datagrams, records, sequence_gaps, template_misses,
  errors, error_reasons, sampling_rate, kernel_drops, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

/** `inTransaction`: inside a transaction the caller holds (DuckDbStore.begin): no BEGIN/COMMIT of its own. */
export async function saveExporterHealthDuckdb(conn: DuckDBConnection, run: string, rows: readonly ExporterHealthRow[], inTransaction = false): Promise<void> {
  if (inTransaction) return writeHealth(conn, run, rows);
  await conn.run('BEGIN TRANSACTION');
  try {
    await writeHealth(conn, run, rows);
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}

async function writeHealth(conn: DuckDBConnection, run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
  const del = await conn.prepare('DELETE FROM exporters WHERE run = $1');
  try {
    del.bindVarchar(1, run);
    await del.run();
  } finally {
    del.destroySync();
  }
  const ins = await conn.prepare(INSERT);
  try {
    for (const r of rows) {
      ins.bindVarchar(1, run);
      ins.bindVarchar(2, r.exporter);
      ins.bindUBigInt(3, u64(r.domain));
      ins.bindVarchar(4, r.protocol);
      [r.datagrams, r.records, r.sequence_gaps, r.template_misses, r.errors].forEach((n, i) => ins.bindUBigInt(5 + i, u64(n)));
      ins.bindVarchar(10, JSON.stringify(r.error_reasons));
      ins.bindUBigInt(11, u64(r.sampling_rate));
      ins.bindUBigInt(12, u64(r.kernel_drops));
      ins.bindTimestamp(13, timestampMs(lastSeenMs(r)));
      await ins.run();
    }
  } finally {
    ins.destroySync();
  }
}

export async function exporterHealthDuckdb(conn: DuckDBConnection): Promise<ExporterHealthRow[]> {
  const reader = await conn.runAndReadAll(savedHealthSql(duckdbDialect));
  return mergeHealthRuns((reader.getRowObjectsJS() as JsRow[]).map(savedFromRow));
}

function u64(n: number): bigint {
  return BigInt(counter(n));
}
