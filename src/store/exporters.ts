/**
 * Exporter health rows: the merge every backend uses to sum the runs saved in its `exporters` table,
 * so that MariaDB and ClickHouse need only store and read the rows back.
 */
import { num, str, type JsRow } from './rows.js';
import type { SqlDialect } from './sql.js';
import type { ExporterHealthRow } from './store.js';

/** Columns of the `exporters` table, in table order. */
export const EXPORTER_COLUMNS = [
  'run', 'exporter', 'domain', 'protocol', 'datagrams', 'records', 'sequence_gaps', 'template_misses', 'errors',
  'error_reasons', 'sampling_rate', 'kernel_drops', 'last_seen',
] as const;

/** Every saved row, last_seen as epoch ms (`last_seen_ms`), for savedFromRow. `from` may add FINAL. */
export function savedHealthSql(d: SqlDialect, from = 'exporters'): string {
  return `SELECT ${EXPORTER_COLUMNS.slice(0, -1).join(', ')}, ${d.epochMs('last_seen')} AS last_seen_ms FROM ${from}`;
}

/** A row of savedHealthSql, whatever number types the driver returns. */
export function savedFromRow(r: JsRow): SavedHealthRow {
  return {
    run: str(r.run), exporter: str(r.exporter), domain: num(r.domain), protocol: str(r.protocol),
    datagrams: num(r.datagrams), records: num(r.records), sequence_gaps: num(r.sequence_gaps), template_misses: num(r.template_misses),
    errors: num(r.errors), error_reasons: str(r.error_reasons), sampling_rate: num(r.sampling_rate), kernel_drops: num(r.kernel_drops),
    last_seen_ms: num(r.last_seen_ms),
  };
}

/** Epoch ms of a row's last_seen (0 when none), for writers. */
export function lastSeenMs(r: ExporterHealthRow): number {
  const ms = r.last_seen === null ? 0 : Date.parse(r.last_seen);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** A counter as a non-negative integer, for writers. */
export function counter(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

/** A saved row as read back from a table: the run, reasons as JSON text, last_seen as epoch ms. */
export interface SavedHealthRow extends Omit<ExporterHealthRow, 'error_reasons' | 'last_seen'> {
  run: string;
  error_reasons: string;
  last_seen_ms: number;
}

/** Sum the runs per (exporter, domain, protocol); the sampling rate is the most recently seen one. */
export function mergeHealthRuns(saved: readonly SavedHealthRow[]): ExporterHealthRow[] {
  const byKey = new Map<string, { row: ExporterHealthRow; lastMs: number }>();
  for (const s of saved) {
    const key = `${s.protocol}|${s.exporter}|${s.domain}`;
    let m = byKey.get(key);
    if (m === undefined) {
      m = {
        row: { exporter: s.exporter, domain: s.domain, protocol: s.protocol, datagrams: 0, records: 0, sequence_gaps: 0, template_misses: 0, errors: 0, error_reasons: {}, sampling_rate: 0, kernel_drops: 0, last_seen: null },
        lastMs: -1,
      };
      byKey.set(key, m);
    }
    const r = m.row;
    r.datagrams += s.datagrams;
    r.records += s.records;
    r.sequence_gaps += s.sequence_gaps;
    r.template_misses += s.template_misses;
    r.errors += s.errors;
    r.kernel_drops += s.kernel_drops;
    for (const [reason, n] of Object.entries(parseReasons(s.error_reasons))) r.error_reasons[reason] = (r.error_reasons[reason] ?? 0) + n;
    if (s.last_seen_ms > m.lastMs) {
      m.lastMs = s.last_seen_ms;
      r.sampling_rate = s.sampling_rate;
      r.last_seen = s.last_seen_ms > 0 ? new Date(s.last_seen_ms).toISOString() : null;
    }
  }
  return [...byKey.values()]
    .map((m) => m.row)
    .sort((a, b) => a.exporter.localeCompare(b.exporter) || a.protocol.localeCompare(b.protocol) || a.domain - b.domain);
}

/** Stored reasons are our own JSON; anything else (a hand-edited table) counts as no reasons. */
function parseReasons(text: string): Record<string, number> {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: Record<string, number> = {};
    for (const [k, n] of Object.entries(v as Record<string, unknown>)) if (typeof n === 'number' && Number.isFinite(n)) out[k] = n;
    return out;
  } catch {
    return {};
  }
}
