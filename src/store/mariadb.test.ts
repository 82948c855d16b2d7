/** MariaDB specifics against the machine's server: migrations, all-or-nothing batches, clear errors. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'mariadb';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from '../testing/mariadb.js';
import { RECORDS, rec } from '../testing/records.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import { openStore } from './open.js';
import { createFlowsTableSql, createVersionTableSql, MIGRATIONS } from './schema.js';

describe('MariaDbStore', () => {
  let admin: Connection;
  const dbs: string[] = [];
  const fresh = (label: string) => {
    const db = uniqueDbName(label);
    dbs.push(db);
    return db;
  };
  before(async () => {
    admin = await mariadbAdmin();
  });
  after(async () => {
    for (const db of dbs) await dropDatabase(admin, db);
    await admin.end();
  });

  test('a version-1 database is migrated on open, keeping its flows', async () => {
    const db = fresh('migrate');
    await admin.query(`CREATE DATABASE \`${db}\``);
    await admin.query(`USE \`${db}\``);
    await admin.query(createVersionTableSql('mariadb'));
    await admin.query(createFlowsTableSql('mariadb'));
    await admin.query('INSERT INTO schema_version VALUES (1)');
    const reader = openStore(mariadbSpec(db), { readOnly: true });
    await assert.rejects(reader, (e: unknown) => e instanceof FlowmapError && /schema version 1; open it once for writing/.test(e.message));
    const s = await openStore(mariadbSpec(db));
    await s.append(RECORDS.slice(0, 2), { key: 'k', value: 'v' });
    await s.close();
    assert.deepEqual((await admin.query(`SELECT version FROM \`${db}\`.schema_version ORDER BY version`)).map((r: { version: number }) => r.version), MIGRATIONS.map((m) => m.version));
    const r = await openStore(mariadbSpec(db), { readOnly: true });
    assert.equal((await r.stats()).records, 2);
    assert.equal(await r.getMark('k'), 'v');
    await r.close();
  });

  test('a bad record anywhere leaves the table (and the mark) unchanged', async () => {
    const s = await openStore(mariadbSpec(fresh('atomic')));
    try {
      const good = Array.from({ length: 12_000 }, (_, i) => rec({ client: '10.0.0.1', clientPort: 1 + (i % 60_000), server: '10.0.0.2', serverPort: 80 }));
      await assert.rejects(s.append([...good, rec({ client: '10.0.0.1', clientPort: 70_000, server: '10.0.0.2', serverPort: 80 })], { key: 'm', value: '1' }), /client_port/);
      await assert.rejects(s.append([rec({ client: 'not-an-ip', clientPort: 1, server: '10.0.0.2', serverPort: 80 })]), /not-an-ip/);
      assert.equal((await s.stats()).records, 0);
      assert.equal(await s.getMark('m'), null);
      await s.append(good, { key: 'm', value: '2' });
      assert.equal((await s.stats()).records, 12_000);
      assert.equal(await s.getMark('m'), '2');
    } finally {
      await s.close();
    }
  });

  test('clear errors: no server, missing database for a reader', async () => {
    await assert.rejects(openStore('mariadb://root@127.0.0.1:1/fm'), (e: unknown) => e instanceof FlowmapError && /cannot connect to MariaDB at 127\.0\.0\.1:1/.test(e.message));
    await assert.rejects(openStore(mariadbSpec(uniqueDbName('missing')), { readOnly: true }), (e: unknown) => e instanceof UsageError && /no flows stored yet/.test(e.message));
  });
});
