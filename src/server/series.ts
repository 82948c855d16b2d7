/**
 * Traffic charts: a bucket width that gives about 60-300 points over the window shown, and the
 * store's per-bucket sums turned into out/in points (empty buckets filled with zeros, so a chart
 * shows quiet periods as quiet rather than drawing a line across them).
 */
import type { FlowFilter } from '../filter/filter.js';
import type { SeriesRow, Store } from '../store/store.js';
import type { Series, SeriesPoint } from '../api/types.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Widths a chart may use (the store takes whole seconds). */
export const BUCKET_WIDTHS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 30 * D, 90 * D, 366 * D];
export const MAX_POINTS = 300;
/** Zero-filling stops here: a record that started long before the window would stretch it. */
const MAX_FILLED = 2000;

/** The narrowest width that keeps [fromMs, toMs] within MAX_POINTS buckets. */
export function bucketFor(fromMs: number, toMs: number): number {
  const span = Math.max(0, toMs - fromMs);
  return BUCKET_WIDTHS.find((w) => span / w <= MAX_POINTS) ?? BUCKET_WIDTHS[BUCKET_WIDTHS.length - 1];
}

/** The window a chart covers: the filter's, completed by the subject's own first/last traffic. */
export function chartWindow(filter: FlowFilter, subject: { first_seen: string; last_seen: string } | null, nowMs: number): [number, number] | null {
  const from = filter.since ?? (subject ? Date.parse(subject.first_seen) : undefined);
  const to = filter.until ?? (filter.since !== undefined ? nowMs : subject ? Date.parse(subject.last_seen) : undefined);
  return from === undefined || to === undefined ? null : [from, Math.max(from, to)];
}

/**
 * A chart from one or more series queries: each part says which direction is "out" (c2s: the
 * subject is the client; s2c: it is the server). Parts are summed per bucket.
 */
export async function chartSeries(store: Store, window: [number, number] | null, parts: ReadonlyArray<{ filter: FlowFilter; out: 'c2s' | 's2c' }>): Promise<Series> {
  const bucketMs = window ? bucketFor(window[0], window[1]) : M;
  if (!window) return { bucketMs, points: [] };
  const sums = new Map<number, SeriesPoint>();
  const results = await Promise.all(parts.map((p) => store.series(p.filter, bucketMs)));
  parts.forEach((p, i) => {
    for (const r of results[i]) add(sums, r, p.out);
  });
  const times = [...sums.keys()].sort((a, b) => a - b);
  const first = Math.min(floor(window[0], bucketMs), times[0] ?? Infinity);
  const last = Math.max(floor(window[1], bucketMs), times[times.length - 1] ?? -Infinity);
  if ((last - first) / bucketMs < MAX_FILLED) {
    for (let t = first; t <= last; t += bucketMs) if (!sums.has(t)) sums.set(t, { t: new Date(t).toISOString(), out: 0, in: 0, packets: 0 });
  }
  return { bucketMs, points: [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p) };
}

function floor(ms: number, w: number): number {
  return ms - (((ms % w) + w) % w);
}

function add(sums: Map<number, SeriesPoint>, r: SeriesRow, out: 'c2s' | 's2c'): void {
  const t = Date.parse(r.t);
  const p = sums.get(t) ?? { t: r.t, out: 0, in: 0, packets: 0 };
  p.out += out === 'c2s' ? r.bytes_c2s : r.bytes_s2c;
  p.in += out === 'c2s' ? r.bytes_s2c : r.bytes_c2s;
  p.packets += r.packets_c2s + r.packets_s2c;
  sums.set(t, p);
}
