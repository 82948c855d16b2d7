import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './duration.js';
import { parseTime, isoMs } from './time.js';
import { formatBytes, parseByteSize } from './bytes.js';
import { UsageError, exitCodeFor } from './errors.js';

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

test('byte sizes', () => {
  assert.equal(parseByteSize('1500'), 1500);
  assert.equal(parseByteSize('100k'), 100_000);
  assert.equal(parseByteSize('10M'), 10_000_000);
  assert.equal(parseByteSize('1.5GB'), 1_500_000_000);
  assert.equal(parseByteSize('2MiB'), 2 * 1024 * 1024);
  assert.equal(parseByteSize('64 KiB'), 65_536);
  for (const bad of ['', '-1', '10 bananas', 'M', '1e6', '10Mb/s']) assert.throws(() => parseByteSize(bad), UsageError);
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1234), '1.2 kB');
  assert.equal(formatBytes(28_614_544_156), '28.6 GB');
  assert.equal(formatBytes(999_999), '1.0 MB');
});

test('exit codes', () => {
  assert.equal(exitCodeFor(new UsageError('x')), 2);
  assert.equal(exitCodeFor(new Error('x')), 1);
});
