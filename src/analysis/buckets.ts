/**
 * The one time-bucket rule: buckets start at multiples of their width since the epoch (UTC), a record
 * counts in the bucket where it starts (as Store.series buckets them), and a window's empty buckets
 * count as zero. Widths are whole seconds from 1 s to 1 d, and a window holds a bounded number of them.
 */
import type { SeriesRow } from '../store/store.js';
import { formatDurationMs } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { p95 } from './percentile.js';

export const MIN_BUCKET_MS = 1000;
export const MAX_BUCKET_MS = 86_400_000;
/** A day at 1 s still fits; a week at 1 s does not. */
export const MAX_BUCKETS = 100_000;

/** Bucket widths tried, narrowest first, when the caller lets flowmap choose (see chooseBucket). */
export const NICE_BUCKETS_MS = [300_000, 900_000, 3_600_000, 21_600_000, 86_400_000];

export interface BucketWindow {
  bucketMs: number;
  /** Start of the first bucket and of the last bucket (inclusive), epoch ms. */
  firstMs: number;
  lastMs: number;
  /** Number of buckets, first to last. */
  count: number;
}

/** Check a width the user asked for (whole seconds, 1 s to 1 d). */
export function checkBucketWidth(bucketMs: number, what = '--bucket'): void {
  if (!Number.isInteger(bucketMs) || bucketMs % 1000 !== 0 || bucketMs < MIN_BUCKET_MS || bucketMs > MAX_BUCKET_MS) {
    throw new UsageError(`${what}: ${formatDurationMs(bucketMs)} is not a whole number of seconds from 1s to 1d`);
  }
}

/** The buckets covering [fromMs, toMs], or a UsageError when there would be more than MAX_BUCKETS. */
export function bucketWindow(fromMs: number, toMs: number, bucketMs: number, what = '--bucket'): BucketWindow {
  checkBucketWidth(bucketMs, what);
  const firstMs = Math.floor(fromMs / bucketMs) * bucketMs;
  const lastMs = Math.floor(Math.max(fromMs, toMs) / bucketMs) * bucketMs;
  const count = (lastMs - firstMs) / bucketMs + 1;
  if (count > MAX_BUCKETS) {
    throw new UsageError(
      `${what}: ${formatDurationMs(bucketMs)} buckets over ${formatDurationMs(toMs - fromMs)} are ${count.toLocaleString('en')} buckets, ` +
        `more than ${MAX_BUCKETS.toLocaleString('en')}: use a wider bucket or a shorter --since/--until window`,
    );
  }
  return { bucketMs, firstMs, lastMs, count };
}

/** The narrowest of NICE_BUCKETS_MS (from `atLeastMs`) that keeps [fromMs, toMs] within MAX_BUCKETS. */
export function chooseBucket(fromMs: number, toMs: number, atLeastMs = NICE_BUCKETS_MS[0]): number {
  for (const b of NICE_BUCKETS_MS) {
    if (b < atLeastMs) continue;
    if ((Math.floor(toMs / b) - Math.floor(fromMs / b)) + 1 <= MAX_BUCKETS) return b;
  }
  return MAX_BUCKET_MS;
}

/** Bytes (in total and each way) and packets per bucket of the window, every empty bucket as 0. */
export interface FilledBuckets {
  bytes: Float64Array;
  c2s: Float64Array;
  s2c: Float64Array;
  packets: Float64Array;
}

export function fillBuckets(w: BucketWindow, rows: readonly Pick<SeriesRow, 't' | 'bytes_c2s' | 'bytes_s2c' | 'packets_c2s' | 'packets_s2c'>[]): FilledBuckets {
  const out = { bytes: new Float64Array(w.count), c2s: new Float64Array(w.count), s2c: new Float64Array(w.count), packets: new Float64Array(w.count) };
  for (const r of rows) {
    // A record that started before the window but overlaps it counts in the first bucket.
    const i = Math.min(w.count - 1, Math.max(0, (Date.parse(r.t) - w.firstMs) / w.bucketMs));
    out.bytes[i] += r.bytes_c2s + r.bytes_s2c;
    out.c2s[i] += r.bytes_c2s;
    out.s2c[i] += r.bytes_s2c;
    out.packets[i] += r.packets_c2s + r.packets_s2c;
  }
  return out;
}

/** Peak, p95 and average of per-bucket byte counts, as bits per second. */
export function rateStats(bytes: Float64Array, bucketMs: number): { peak: number; p95: number; avg: number } {
  const rates = Array.from(bytes, (b) => bitsPerSecond(b, bucketMs));
  let total = 0;
  let peak = 0;
  for (let i = 0; i < bytes.length; i++) {
    total += bytes[i];
    if (rates[i] > peak) peak = rates[i];
  }
  return { peak, p95: p95(rates), avg: bytes.length ? bitsPerSecond(total / bytes.length, bucketMs) : 0 };
}

/** Bits per second of a bucket's bytes. */
export function bitsPerSecond(bytes: number, bucketMs: number): number {
  return (bytes * 8 * 1000) / bucketMs;
}
