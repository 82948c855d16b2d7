import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duckdbPath, openStore, resolveStoreSpec } from './open.js';
import { UsageError } from '../util/errors.js';

test('store spec precedence: --db, FLOWMAP_DB, config, default', () => {
  assert.equal(resolveStoreSpec('a.duckdb', { db: 'c' }, { FLOWMAP_DB: 'b' }), 'a.duckdb');
  assert.equal(resolveStoreSpec(undefined, { db: 'c' }, { FLOWMAP_DB: 'b' }), 'b');
  assert.equal(resolveStoreSpec(undefined, { db: 'c' }, {}), 'c');
  assert.equal(resolveStoreSpec(undefined, {}, {}), 'flowmap.duckdb');
});

test('paths, duckdb: prefix, and unknown backends', () => {
  assert.equal(duckdbPath('flows.duckdb'), 'flows.duckdb');
  assert.equal(duckdbPath('duckdb:/var/lib/flowmap/f.duckdb'), '/var/lib/flowmap/f.duckdb');
  assert.equal(duckdbPath(':memory:'), ':memory:');
  assert.equal(duckdbPath('C:\\data\\f.duckdb'), 'C:\\data\\f.duckdb');
  assert.throws(() => duckdbPath('mariadb://ntopng@192.168.1.65/flows'), (e: unknown) => e instanceof UsageError && /mariadb support is planned/.test(e.message) && /available: duckdb/.test(e.message));
  assert.throws(() => duckdbPath('postgres://x'), (e: unknown) => e instanceof UsageError && /unsupported store/.test(e.message));
  assert.throws(() => duckdbPath('duckdb:'), UsageError);
  assert.throws(() => duckdbPath(' '), UsageError);
});

test('openStore opens and initialises', async () => {
  const s = await openStore(':memory:');
  assert.deepEqual(await s.stats(), { records: 0, firstSeen: null, lastSeen: null });
  await s.close();
});
