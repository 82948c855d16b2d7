/** `flowmap timeseries` for people (a table with a sparkline per key) and for spreadsheets (long CSV). */
import type { TimeseriesRow } from '../analysis/types.js';
import { serviceLabel } from '../graph/model.js';
import { csvCell, formatTable, type Column } from '../query/format.js';
import { formatBps } from '../util/rate.js';

/** The key of a row as one text: `client -> server service`, the host, the service, or `total`. */
export function seriesKeyText(r: TimeseriesRow): string {
  switch (r.key) {
    case 'edge':
      return `${r.client} -> ${r.server} ${serviceLabel(r)}`;
    case 'talker':
      return r.host;
    case 'service':
      return serviceLabel(r);
    case 'interface':
      return `${r.exporter} if ${r.if_index}${r.if_name ? ` ${r.if_name}` : ''}`;
    case 'total':
      return 'total';
  }
}

const BARS = '▁▂▃▄▅▆▇█';
const SPARK_WIDTH = 40;

/** The buckets squeezed into at most SPARK_WIDTH bars (each bar the largest bucket it covers). */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const n = Math.min(SPARK_WIDTH, values.length);
  const cells = Array.from({ length: n }, (_, i) => {
    let m = 0;
    for (let j = Math.floor((i * values.length) / n); j < Math.floor(((i + 1) * values.length) / n); j++) m = Math.max(m, values[j]);
    return m;
  });
  const top = Math.max(...cells);
  return cells.map((v) => (top === 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.floor((v / top) * (BARS.length - 1) + 0.5))])).join('');
}

interface Line {
  key: string;
  bytes: number;
  peak: string;
  p95: string;
  avg: string;
  p95_c2s: string;
  p95_s2c: string;
  over: string;
}

export function formatSeriesTable(rows: readonly TimeseriesRow[], tty: boolean): string {
  const bps = (v: number): string => (tty ? formatBps(v) : v.toFixed(1));
  const columns: Column<Line>[] = [
    { key: 'key' }, { key: 'bytes', kind: 'bytes' }, { key: 'peak', kind: 'number' }, { key: 'p95', kind: 'number' }, { key: 'avg', kind: 'number' },
    { key: 'p95_c2s', header: 'p95 c2s', kind: 'number' }, { key: 'p95_s2c', header: 'p95 s2c', kind: 'number' },
    { key: 'over', header: rows.length ? `${rows[0].buckets.length} x ${rows[0].bucket_s} s buckets` : 'buckets' },
  ];
  const lines: Line[] = rows.map((r) => ({
    key: seriesKeyText(r),
    bytes: r.buckets.reduce((s, b) => s + b.bytes, 0),
    peak: bps(r.peak_bps), p95: bps(r.p95_bps), avg: bps(r.avg_bps), p95_c2s: bps(r.p95_bps_c2s), p95_s2c: bps(r.p95_bps_s2c),
    over: sparkline(r.buckets.map((b) => b.bytes)),
  }));
  return formatTable(lines, columns, { tty });
}

/** One CSV line per key and bucket: the key's fields, then t, bytes each way, packets. */
export function formatSeriesCsv(rows: readonly TimeseriesRow[]): string {
  const header = ['key', 'client', 'server', 'host', 'port', 'proto', 'service', 'exporter', 'if_index', 'if_name', 't', 'bytes', 'bytes_c2s', 'bytes_s2c', 'packets'];
  const out = [header.join(',')];
  for (const r of rows) {
    const k = r as unknown as Partial<Record<string, string | number | null>>;
    for (const b of r.buckets) {
      out.push([r.key, k.client, k.server, k.host, k.port, k.proto, k.service, k.exporter, k.if_index, k.if_name, b.t, b.bytes, b.bytes_c2s, b.bytes_s2c, b.packets].map((v) => csvCell(v ?? null)).join(','));
    }
  }
  return `${out.join('\r\n')}\r\n`;
}
