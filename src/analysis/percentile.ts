/**
 * The one 95th percentile, as carriers bill: sort the window's per-bucket rates, discard the highest
 * 5 % (rounded down); the highest rate left is the p95. Equivalently the nearest rank ceil(0.95 n).
 * Every p95 flowmap prints (plan's cross-wave rates, timeseries, the web page) comes from here.
 */

/** Nearest-rank percentile `q` (0 < q <= 1) of the values; 0 for none. The input is not modified. */
export function nearestRank(values: readonly number[], q: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil(q * n - 1e-9));
  return sorted[rank - 1];
}

/** The 95th percentile by nearest rank. */
export function p95(values: readonly number[]): number {
  return nearestRank(values, 0.95);
}
