import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, parseStoreSpec, resolveStoreSpec } from './open.js';
import { redact } from './spec.js';
import { UsageError } from '../util/errors.js';

test('store spec precedence: --db, FLOWMAP_DB, config, default', () => {
  assert.equal(resolveStoreSpec('a.duckdb', { db: 'c' }, { FLOWMAP_DB: 'b' }), 'a.duckdb');
  assert.equal(resolveStoreSpec(undefined, { db: 'c' }, { FLOWMAP_DB: 'b' }), 'b');
  assert.equal(resolveStoreSpec(undefined, { db: 'c' }, {}), 'c');
  assert.equal(resolveStoreSpec(undefined, {}, {}), 'flowmap.duckdb');
});

test('paths and duckdb: prefix', () => {
  assert.deepEqual(parseStoreSpec('flows.duckdb'), { kind: 'duckdb', path: 'flows.duckdb' });
  assert.deepEqual(parseStoreSpec('duckdb:/var/lib/flowmap/f.duckdb'), { kind: 'duckdb', path: '/var/lib/flowmap/f.duckdb' });
  assert.deepEqual(parseStoreSpec(':memory:'), { kind: 'duckdb', path: ':memory:' });
  assert.deepEqual(parseStoreSpec('C:\\data\\f.duckdb'), { kind: 'duckdb', path: 'C:\\data\\f.duckdb' });
  assert.throws(() => parseStoreSpec('duckdb:'), UsageError);
  assert.throws(() => parseStoreSpec(' '), UsageError);
});

test('mariadb:// and mysql:// URLs', () => {
  assert.deepEqual(parseStoreSpec('mariadb://ntopng:s%40cret@192.168.1.65/flows'), {
    kind: 'mariadb', host: '192.168.1.65', port: 3306, user: 'ntopng', password: 's@cret', database: 'flows',
  });
  assert.equal((parseStoreSpec('mariadb://root@[::1]/fm') as { host: string }).host, '::1');
  assert.deepEqual(parseStoreSpec('mysql://root@127.0.0.1:3307/fm'), { kind: 'mariadb', host: '127.0.0.1', port: 3307, user: 'root', password: '', database: 'fm' });
  assert.throws(() => parseStoreSpec('mariadb://root@h/'), (e: unknown) => e instanceof UsageError && /needs a database name/.test(e.message));
  assert.throws(() => parseStoreSpec('mariadb://root@h/x`; DROP'), (e: unknown) => e instanceof UsageError && /letters, digits/.test(e.message));
});

test('clickhouse:// URLs, cluster and shards', () => {
  assert.deepEqual(parseStoreSpec('clickhouse://u:p@ch1/fm'), { kind: 'clickhouse', url: 'http://ch1:8123', user: 'u', password: 'p', database: 'fm' });
  assert.deepEqual(parseStoreSpec('clickhouse://127.0.0.1:18123/fm?cluster=two&shards=127.0.0.1:18123,127.0.0.1:18124'), {
    kind: 'clickhouse', url: 'http://127.0.0.1:18123', user: 'default', password: '', database: 'fm', cluster: 'two',
    shards: ['http://127.0.0.1:18123', 'http://127.0.0.1:18124'],
  });
  assert.throws(() => parseStoreSpec('clickhouse://h/fm?shards=a:1'), /needs cluster/);
  assert.throws(() => parseStoreSpec('clickhouse://h/fm?replicas=2'), /unknown ClickHouse option/);
  assert.throws(() => parseStoreSpec('postgres://x/y'), (e: unknown) => e instanceof UsageError && /unsupported store/.test(e.message) && /clickhouse:\/\//.test(e.message));
  assert.equal(redact('clickhouse://u:secret@h/db'), 'clickhouse://u:***@h/db');
});

test('openStore opens and initialises', async () => {
  const s = await openStore(':memory:');
  assert.deepEqual(await s.stats(), { records: 0, firstSeen: null, lastSeen: null });
  await s.close();
});
