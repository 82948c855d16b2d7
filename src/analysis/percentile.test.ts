import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { nearestRank, p95 } from './percentile.js';

test('p95: nearest rank ceil(0.95 n), as carriers bill', () => {
  assert.equal(p95([]), 0);
  assert.equal(p95([7]), 7);
  // 20 samples: the top 1 is discarded.
  assert.equal(p95(Array.from({ length: 20 }, (_, i) => i + 1)), 19);
  // 10 samples: 5 % of 10 rounds down to 0, nothing is discarded.
  assert.equal(p95([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]), 9);
  // 8,640 five-minute samples of a month: the 432 highest are discarded.
  const month = Array.from({ length: 8640 }, (_, i) => i);
  assert.equal(p95(month), 8640 - 432 - 1);
  assert.equal(nearestRank([5, 1, 3], 0.5), 3);
});

test('p95 equals "sort, discard the highest 5 % rounded down, take the highest left"', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 500 }), (xs) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const kept = sorted.slice(0, sorted.length - Math.floor(sorted.length * 0.05));
      assert.equal(p95(xs), kept[kept.length - 1]);
    }),
  );
});
