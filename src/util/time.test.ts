import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTime, isoMs } from './time.js';
import { UsageError } from './errors.js';

test('times: ISO, relative, now', () => {
  const now = Date.UTC(2026, 10, 28, 8, 0, 0);
  assert.equal(parseTime('now', now), now);
  assert.equal(parseTime('2h', now), now - 7_200_000);
  assert.equal(parseTime('-15m', now), now - 900_000);
  assert.equal(parseTime('2026-11-28', now), Date.UTC(2026, 10, 28));
  assert.equal(parseTime('2026-11-28T07:00', now), Date.UTC(2026, 10, 28, 7));
  assert.equal(parseTime('2026-11-28 07:00:05.123', now), Date.UTC(2026, 10, 28, 7, 0, 5, 123));
  assert.equal(parseTime('2026-11-28T07:00:00Z', now), Date.UTC(2026, 10, 28, 7));
  assert.equal(parseTime('2026-11-28T08:00:00+01:00', now), Date.UTC(2026, 10, 28, 7));
  assert.equal(parseTime('2026-11-28T02:00:00-0500', now), Date.UTC(2026, 10, 28, 7));
  assert.equal(isoMs(Date.UTC(2026, 10, 28, 7, 0, 0, 123)), '2026-11-28T07:00:00.123Z');
  for (const bad of ['', 'yesterday', '2026-13-01', '2026-02-30', '2026-11-28T25:00', '28/11/2026', '2h ago', '2026-11-28T07:00+25:00']) {
    assert.throws(() => parseTime(bad, now, '--since'), (e: unknown) => e instanceof UsageError && e.message.startsWith('--since'));
  }
});
