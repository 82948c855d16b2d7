/**
 * The top N of every interval (/api/v1/top/{kind}?per=) as stacked layers: one layer per key that
 * is in the top N of any interval, 0 in the intervals where it is not, summed bottom-up. The top
 * layer of an interval is therefore the sum of that interval's API rows.
 */
import type { TopPerRow } from '../../../src/api/types.js';

export interface Stack {
  /** Interval starts (ISO 8601), ascending. */
  t: string[];
  keys: string[];
  labels: string[];
  /** raw[k][i]: bytes of key k in interval i (0 outside its top N). */
  raw: number[][];
  /** cum[k][i]: raw[0][i] + … + raw[k][i]. */
  cum: number[][];
}

export function stackOf(rows: readonly TopPerRow[], keyOf: (r: TopPerRow) => string, labelOf: (r: TopPerRow) => string): Stack {
  const t = [...new Set(rows.map((r) => r.t))].sort();
  const at = new Map(t.map((x, i) => [x, i]));
  // Heaviest key overall at the bottom: the steadiest layer.
  const total = new Map<string, number>();
  const label = new Map<string, string>();
  for (const r of rows) {
    const k = keyOf(r);
    total.set(k, (total.get(k) ?? 0) + r.bytes);
    if (!label.has(k)) label.set(k, labelOf(r));
  }
  const keys = [...total.keys()].sort((a, b) => (total.get(b) ?? 0) - (total.get(a) ?? 0) || a.localeCompare(b));
  const index = new Map(keys.map((k, i) => [k, i]));
  const raw = keys.map(() => t.map(() => 0));
  for (const r of rows) raw[index.get(keyOf(r)) as number][at.get(r.t) as number] += r.bytes;
  const cum: number[][] = [];
  raw.forEach((layer, k) => cum.push(layer.map((v, i) => v + (k > 0 ? cum[k - 1][i] : 0))));
  return { t, keys, labels: keys.map((k) => label.get(k) ?? k), raw, cum };
}
