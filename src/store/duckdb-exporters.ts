/** The `exporters` table in DuckDB: save one run's health rows, read every run back. */
import { DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { mergeHealthRuns, type SavedHealthRow } from './exporters.js';
import type { ExporterHealthRow } from './store.js';

const INSERT = `INSERT INTO exporters (run, exporter, domain, protocol, datagrams, records, sequence_gaps, template_misses,
  errors, error_reasons, sampling_rate, kernel_drops, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

export async function saveExporterHealthDuckdb(conn: DuckDBConnection, run: string, rows: readonly ExporterHealthRow[]): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
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
        const ms = r.last_seen === null ? 0 : Date.parse(r.last_seen);
        ins.bindTimestamp(13, new DuckDBTimestampValue(BigInt(Number.isFinite(ms) ? ms : 0) * 1000n));
        await ins.run();
      }
    } finally {
      ins.destroySync();
    }
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}

export async function exporterHealthDuckdb(conn: DuckDBConnection): Promise<ExporterHealthRow[]> {
  const reader = await conn.runAndReadAll(
    `SELECT run, exporter, domain, protocol, datagrams, records, sequence_gaps, template_misses, errors, error_reasons,
       sampling_rate, kernel_drops, epoch_ms(last_seen) AS last_seen_ms FROM exporters`,
  );
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
  const saved: SavedHealthRow[] = rows.map((r) => ({
    run: String(r.run),
    exporter: String(r.exporter),
    domain: Number(r.domain),
    protocol: String(r.protocol),
    datagrams: Number(r.datagrams),
    records: Number(r.records),
    sequence_gaps: Number(r.sequence_gaps),
    template_misses: Number(r.template_misses),
    errors: Number(r.errors),
    error_reasons: String(r.error_reasons),
    sampling_rate: Number(r.sampling_rate),
    kernel_drops: Number(r.kernel_drops),
    last_seen_ms: Number(r.last_seen_ms),
  }));
  return mergeHealthRuns(saved);
}

function u64(n: number): bigint {
  return BigInt(Number.isFinite(n) && n > 0 ? Math.round(n) : 0);
}
