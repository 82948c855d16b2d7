import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBps } from './rate.js';

test('formatBps: decimal units, three significant digits', () => {
  assert.equal(formatBps(950), '950 bit/s');
  assert.equal(formatBps(81_234), '81.2 kbit/s');
  assert.equal(formatBps(1_254_000), '1.25 Mbit/s');
  assert.equal(formatBps(512_000_000), '512 Mbit/s');
});
