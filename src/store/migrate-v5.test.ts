/**
 * Schema version 5 (exporter and interfaces): a store of version 4 with records in it opens, migrates,
 * and its old records read exporter '' and interfaces 0 (what captures get), on every backend. The
 * version-4 store is made from a fresh one by undoing step 5 by hand (columns dropped, version 5
 * forgotten), on every shard in cluster mode; its record is inserted with version 4's columns.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { startBackends, type Backend, type Backends } from '../testing/backends.js';
import { mariadbAdmin } from '../testing/mariadb.js';
import { RECORDS } from '../testing/records.js';
import { IFACE_RECORDS, EXPORTER_A } from '../testing/interface-records.js';
import { parseFilter } from '../filter/parse.js';
import { ClickHouseHttp } from './clickhouse-http.js';
import { openStore } from './open.js';
import { FLOW_COLUMNS, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { parseStoreSpec } from './spec.js';
import { addrHiLo } from '../util/ip.js';

const NEW = ['exporter', 'in_if', 'out_if'];
const OLD = FLOW_COLUMNS.map((c) => c.name).filter((c) => !NEW.includes(c));
const OLD_RECORD = RECORDS[0];

/** OLD_RECORD in version 4's columns (OLD order), times as `time(ms)` gives them. */
function oldValues(time: (ms: number) => string, text: (s: string) => string): string[] {
  const r = OLD_RECORD;
  const [c, s] = [addrHiLo(r.client), addrHiLo(r.server)];
  return [
    time(r.firstSeen), time(r.lastSeen), text(r.client), text(r.server), ...[c.hi, c.lo, s.hi, s.lo].map(String),
    ...[r.clientPort, r.serverPort, r.proto, r.ipVersion, r.vlan, r.bytesC2s, r.bytesS2c, r.packetsC2s, r.packetsS2c,
      r.bytesC2s, r.bytesS2c, r.packetsC2s, r.packetsS2c, r.samplingRate, r.tcpFlagsC2s, r.tcpFlagsS2c].map(String),
    text(r.direction), text(r.source),
  ];
}
const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const isoText = (ms: number): string => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** Undo version 5 of a store made at the current version. */
async function toVersion4(b: Backend, spec: string): Promise<void> {
  const s = parseStoreSpec(spec);
  const dropCols = (table: string) => NEW.map((c) => `ALTER TABLE ${table} DROP COLUMN ${c}`);
  if (s.kind === 'duckdb') {
    const db = await DuckDBInstance.create(s.path);
    const conn = await db.connect();
    const insert = `INSERT INTO flows (${OLD.join(', ')}) VALUES (${oldValues((ms) => `TIMESTAMP '${isoText(ms)}'`, sqlText).join(', ')})`;
    for (const q of [...dropCols('flows'), 'DELETE FROM schema_version WHERE version >= 5', insert]) await conn.run(q);
    conn.closeSync();
    db.closeSync();
  } else if (s.kind === 'mariadb') {
    const conn = await mariadbAdmin();
    try {
      const insert = `INSERT INTO \`${s.database}\`.flows (${OLD.join(', ')}) VALUES (${oldValues((ms) => `'${isoText(ms)}'`, sqlText).join(', ')})`;
      for (const q of [...dropCols(`\`${s.database}\`.flows`), `DELETE FROM \`${s.database}\`.schema_version WHERE version >= 5`, insert]) await conn.query(q);
    } finally {
      await conn.end();
    }
  } else {
    const http = new ClickHouseHttp({ url: s.url, user: s.user, password: s.password }, s.database);
    for (const url of s.shards ?? [s.url]) {
      const shard = http.at(url);
      for (const q of dropCols('flows')) await shard.exec(q);
      if (s.cluster) for (const q of dropCols('flows_local')) await shard.exec(q);
    }
    // TinyLog has no DELETE: the version table is made again with versions 1 to 4.
    await http.exec('DROP TABLE schema_version');
    await http.exec('CREATE TABLE schema_version (version UInt32) ENGINE = TinyLog');
    await http.exec(`INSERT INTO schema_version VALUES ${MIGRATIONS.filter((m) => m.version < 5).map((m) => `(${m.version})`).join(', ')}`);
    await http.insertTsv('flows', OLD, `${oldValues(String, (t) => t).join('\t')}\n`, { insert_distributed_sync: '1' });
  }
  assert.ok(b.name);
}

describe('schema version 5 migration: DuckDB, MariaDB, ClickHouse single node and cluster', () => {
  let backends: Backends;
  before(async () => {
    backends = await startBackends();
  });
  after(async () => {
    await backends?.stop();
  });

  test('a version-4 store opens, migrates, keeps its records (interface 0), and takes new ones', async () => {
    assert.equal(SCHEMA_VERSION, 5);
    for (const b of backends.all) {
      const spec = b.fresh('v4');
      const s4 = await openStore(spec);
      await s4.close();
      await toVersion4(b, spec);
      // An old flowmap's store: its table has only the old columns; appending goes through them.
      const old = await openStore(spec, { readOnly: true }).then(
        () => assert.fail(`${b.name}: a version-4 store must not open read-only`),
        (e: unknown) => String(e),
      );
      assert.match(old, /schema version 4; open it once for writing/, b.name);
      const s = await openStore(spec);
      try {
        // The old record reads as a capture's: no exporter, interfaces 0.
        assert.deepEqual(await s.scan(0, Date.UTC(2100, 0), 10), [OLD_RECORD], b.name);
        assert.deepEqual(await s.top('interfaces', parseFilter({}, 0)), [], b.name);
        await s.append([IFACE_RECORDS[0]]);
        const all = await s.scan(0, Date.UTC(2100, 0), 10);
        assert.deepEqual(all.map((r) => [r.exporter, r.inIf, r.outIf]).sort(), [['', 0, 0], [EXPORTER_A, 3, 7]], b.name);
        assert.deepEqual((await s.top('interfaces', parseFilter({}, 0))).map((r) => [r.exporter, r.if_index, r.bytes_in, r.bytes_out]), [[EXPORTER_A, 3, 1000, 9000], [EXPORTER_A, 7, 9000, 1000]], b.name);
        assert.deepEqual((await s.top('flows', parseFilter({ interface: ['0'] }, 0))).length, 1, `${b.name}: old records match interface 0`);
      } finally {
        await s.close();
      }
    }
  });
});
