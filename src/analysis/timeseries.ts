/**
 * `flowmap timeseries`: for each of the top N keys (edges, talkers, services) or for all traffic
 * (total), its traffic per bucket and its peak, p95 and average rates in bits per second, in total
 * and each way. The window is --since/--until, else the data's extent; buckets are UTC multiples of
 * their width and empty ones count as zero (buckets.ts); p95 is the one nearest-rank p95. One top-N
 * query picks the keys, then one grouped series query per 1,000 keys fetches their buckets.
 */
import type { FlowFilter } from '../filter/filter.js';
import { MAX_LIMIT } from '../filter/parse.js';
import { runTop, type InterfaceNamer } from '../query/top.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { EdgeRow, SeriesRow, ServiceRow, Store, TalkerRow } from '../store/store.js';
import { isoMs } from '../util/time.js';
import { bucketWindow, fillBuckets, rateStats, type BucketWindow } from './buckets.js';
import { groupBy } from '../util/group.js';
import type { RateStats, SeriesBucket, SeriesBy, TimeseriesRow } from './types.js';

export type { RateStats, SeriesBucket, SeriesBy, TimeseriesRow } from './types.js';
export const SERIES_BY: readonly SeriesBy[] = ['edges', 'talkers', 'services', 'interfaces', 'total'];

/** One key's series: its buckets over the window and their statistics. */
export function seriesOf(w: BucketWindow, rows: readonly SeriesRow[]): RateStats & { bucket_s: number; buckets: SeriesBucket[] } {
  const f = fillBuckets(w, rows);
  const all = rateStats(f.bytes, w.bucketMs);
  const c2s = rateStats(f.c2s, w.bucketMs);
  const s2c = rateStats(f.s2c, w.bucketMs);
  const buckets: SeriesBucket[] = Array.from(f.bytes, (b, i) => ({
    t: isoMs(w.firstMs + i * w.bucketMs),
    bytes: b,
    bytes_c2s: f.c2s[i],
    bytes_s2c: f.s2c[i],
    packets: f.packets[i],
  }));
  return {
    bucket_s: w.bucketMs / 1000,
    peak_bps: all.peak, p95_bps: all.p95, avg_bps: all.avg,
    peak_bps_c2s: c2s.peak, p95_bps_c2s: c2s.p95, avg_bps_c2s: c2s.avg,
    peak_bps_s2c: s2c.peak, p95_bps_s2c: s2c.p95, avg_bps_s2c: s2c.avg,
    buckets,
  };
}

/** The window: --since/--until, else the extent of the rows (first start to last end). */
function windowOf(filter: FlowFilter, extent: { from: number; to: number } | null, bucketMs: number | null): BucketWindow | null {
  const from = filter.since ?? extent?.from;
  const to = filter.until ?? extent?.to;
  if (from === undefined || to === undefined) return null;
  return bucketWindow(from, to, bucketMs ?? autoBucket(from, to));
}

function extentOf(rows: ReadonlyArray<{ first_seen: string; last_seen: string }>): { from: number; to: number } | null {
  if (rows.length === 0) return null;
  // A loop, not Math.min(...): --limit may ask for a million rows, more arguments than a call takes.
  let from = Infinity;
  let to = -Infinity;
  for (const r of rows) {
    from = Math.min(from, Date.parse(r.first_seen));
    to = Math.max(to, Date.parse(r.last_seen));
  }
  return { from, to };
}

/** Widths tried when the caller lets flowmap choose: the narrowest giving at most AUTO_BUCKETS buckets. */
const AUTO_WIDTHS_MS = [1000, 10_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000];
export const AUTO_BUCKETS = 500;

export function autoBucket(fromMs: number, toMs: number): number {
  for (const b of AUTO_WIDTHS_MS) if (Math.floor(toMs / b) - Math.floor(fromMs / b) + 1 <= AUTO_BUCKETS) return b;
  return 86_400_000;
}

/** `bucketMs` null: chosen from the window (autoBucket). */
/**
 * The data's extent under the filter (first start, last end), from its services (few rows); null when
 * --since and --until both bound the window anyway, or nothing matches.
 */
export async function dataExtent(store: Store, filter: FlowFilter): Promise<{ from: number; to: number } | null> {
  if (filter.since !== undefined && filter.until !== undefined) return null;
  return extentOf(await store.top('services', { ...filter, minBytes: undefined, limit: MAX_LIMIT }));
}

export async function timeseries(store: Store, by: SeriesBy, filter: FlowFilter, bucketMs: number | null, services: ServiceRegistry, interfaceName: InterfaceNamer = () => null): Promise<TimeseriesRow[]> {
  const series = { ...filter, minBytes: undefined };
  if (by === 'total') {
    const extent = await dataExtent(store, filter);
    const w = windowOf(filter, extent, bucketMs);
    if (!w) return [];
    return [{ key: 'total', ...seriesOf(w, await store.series(series, w.bucketMs)) }];
  }
  if (by === 'edges') {
    const top = await runTop(store, 'edges', filter, services);
    const w = windowOf(filter, extentOf(top), bucketMs);
    if (!w || top.length === 0) return [];
    const rows = await store.edgeSeries(series, w.bucketMs, top);
    const k = (e: Pick<EdgeRow, 'client' | 'server' | 'port' | 'proto'>) => `${e.client}|${e.server}|${e.port}|${e.proto}`;
    const grouped = groupBy(rows, k);
    return top.map((e) => ({ key: 'edge', client: e.client, server: e.server, port: e.port, proto: e.proto, service: e.service, ...seriesOf(w, grouped.get(k(e)) ?? []) }));
  }
  if (by === 'interfaces') {
    const top = await runTop(store, 'interfaces', filter, services, interfaceName);
    const w = windowOf(filter, extentOf(top), bucketMs);
    if (!w || top.length === 0) return [];
    const grouped = groupBy(await store.keyedSeries(series, w.bucketMs, { by, interfaces: top }), (r) => r.key);
    return top.map((i, k) => ({ key: 'interface', exporter: i.exporter, if_index: i.if_index, if_name: i.if_name, ...seriesOf(w, grouped.get(k) ?? []) }));
  }
  const top = by === 'talkers' ? await runTop(store, 'talkers', filter, services) : await runTop(store, 'services', filter, services);
  const w = windowOf(filter, extentOf(top), bucketMs);
  if (!w || top.length === 0) return [];
  const keys = by === 'talkers' ? { by, hosts: (top as TalkerRow[]).map((t) => t.host) } : { by, services: (top as ServiceRow[]).map((s) => ({ port: s.port, proto: s.proto })) };
  const grouped = groupBy(await store.keyedSeries(series, w.bucketMs, keys), (r) => r.key);
  if (by === 'talkers') return (top as TalkerRow[]).map((t, i) => ({ key: 'talker', host: t.host, ...seriesOf(w, grouped.get(i) ?? []) }));
  return (top as ServiceRow[]).map((s, i) => ({ key: 'service', port: s.port, proto: s.proto, service: s.service, ...seriesOf(w, grouped.get(i) ?? []) }));
}
