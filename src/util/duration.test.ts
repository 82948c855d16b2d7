import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './duration.js';
import { UsageError } from './errors.js';

test('durations', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('15s'), 15_000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('30'), 30_000);
  assert.equal(parseDuration(30), 30_000);
  assert.equal(parseDuration(' 2M '), 120_000);
  for (const bad of ['', 'abc', '-5s', '5 parsecs', '1e3', '5s5', 'Infinity']) {
    assert.throws(() => parseDuration(bad, '--idle'), (e: unknown) => e instanceof UsageError && /--idle/.test(e.message));
  }
  assert.throws(() => parseDuration(-1), UsageError);
  assert.throws(() => parseDuration(Number.NaN), UsageError);
});
