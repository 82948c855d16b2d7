import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, parseByteSize } from './bytes.js';
import { UsageError } from './errors.js';

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
