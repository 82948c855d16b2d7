import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../util/errors.js';
import { bitsPerSecond, bucketWindow, chooseBucket, fillBuckets, MAX_BUCKETS } from './buckets.js';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);

test('buckets are UTC multiples of their width; empty ones count as 0', () => {
  const w = bucketWindow(T0 + 61_000, T0 + 299_000, 60_000);
  assert.deepEqual(w, { bucketMs: 60_000, firstMs: T0 + 60_000, lastMs: T0 + 240_000, count: 4 });
  const rows = [
    { t: new Date(T0 + 60_000).toISOString(), bytes_c2s: 100, bytes_s2c: 50, packets_c2s: 1, packets_s2c: 1 },
    { t: new Date(T0 + 240_000).toISOString(), bytes_c2s: 1, bytes_s2c: 2, packets_c2s: 1, packets_s2c: 0 },
    // Started before the window (the filter keeps records that overlap it): first bucket.
    { t: new Date(T0).toISOString(), bytes_c2s: 10, bytes_s2c: 0, packets_c2s: 1, packets_s2c: 0 },
  ];
  const f = fillBuckets(w, rows);
  assert.deepEqual([...f.bytes], [160, 0, 0, 3]);
  assert.deepEqual([...f.c2s], [110, 0, 0, 1]);
  assert.deepEqual([...f.s2c], [50, 0, 0, 2]);
  assert.deepEqual([...f.packets], [3, 0, 0, 1]);
  assert.equal(bitsPerSecond(7500, 60_000), 1000);
});

test('bucket widths: 1 s to 1 d, bounded count, a week at 1 s refused', () => {
  assert.throws(() => bucketWindow(T0, T0 + 7 * 86_400_000, 1000), (e: unknown) => e instanceof UsageError && /more than 100,000/.test(e.message));
  assert.equal(bucketWindow(T0, T0 + 86_400_000 - 1, 1000).count, 86_400);
  assert.throws(() => bucketWindow(T0, T0, 1500), UsageError);
  assert.throws(() => bucketWindow(T0, T0, 2 * 86_400_000), UsageError);
  assert.equal(chooseBucket(T0, T0 + 30 * 86_400_000), 300_000);
  // A year at 5 minutes is 105,120 buckets: the next width, 15 minutes.
  assert.equal(chooseBucket(T0, T0 + 365 * 86_400_000), 900_000);
  assert.ok(365 * 288 > MAX_BUCKETS);
});
