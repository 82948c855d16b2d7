/**
 * Schema migrations, on every backend. Version 5 (exporter and interfaces): a store of version 4 with
 * records in it opens, migrates, and its old records read exporter '' and interfaces 0 (what captures
 * get). Version 6 (conversation starts): a version-5 store's `connections` stay what they were (old
 * rows count distinct client ports and VLANs), and new records add their starts. An old store is made
 * from a fresh one by undoing the later steps by hand (columns dropped, versions forgotten), on every
 * shard in cluster mode; its records are inserted with the old version's columns.
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
import { CLICKHOUSE_DAY_PARTITION, FLOW_COLUMNS, LEGACY_STARTS, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import type { ManagedStore } from './store.js';
import type { FlowRecord } from '../flow/record.js';
import { parseStoreSpec } from './spec.js';
import { addrHiLo } from '../util/ip.js';

/** The columns each version added to flows. */
const ADDED: Record<number, string[]> = { 5: ['exporter', 'in_if', 'out_if'], 6: ['starts'] };
const OLD_RECORD = RECORDS[0];

/** A record in the columns of version 4 (5: `exporter` and interfaces appended; 6: `starts`), times as `time(ms)` gives them. */
function oldValues(r: FlowRecord, version: number, time: (ms: number) => string, text: (s: string) => string): string[] {
  const [c, s] = [addrHiLo(r.client), addrHiLo(r.server)];
  const v5 = version >= 5 ? [text(r.exporter), String(r.inIf), String(r.outIf)] : [];
  const v6 = version >= 6 ? [String(r.starts)] : [];
  return [
    time(r.firstSeen), time(r.lastSeen), text(r.client), text(r.server), ...[c.hi, c.lo, s.hi, s.lo].map(String),
    ...[r.clientPort, r.serverPort, r.proto, r.ipVersion, r.vlan, r.bytesC2s, r.bytesS2c, r.packetsC2s, r.packetsS2c,
      r.bytesC2s, r.bytesS2c, r.packetsC2s, r.packetsS2c, r.samplingRate, r.tcpFlagsC2s, r.tcpFlagsS2c].map(String),
    text(r.direction), text(r.source), ...v5, ...v6,
  ];
}
const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const isoText = (ms: number): string => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** Undo the versions after `version` of a store made at the current version, and insert `records` as that version would have. */
async function toVersion(b: Backend, spec: string, version: number, records: readonly FlowRecord[]): Promise<void> {
  const s = parseStoreSpec(spec);
  const dropped = Object.entries(ADDED).filter(([v]) => Number(v) > version).flatMap(([, cols]) => cols);
  const old = FLOW_COLUMNS.map((c) => c.name).filter((c) => !dropped.includes(c));
  const dropCols = (table: string) => dropped.map((c) => `ALTER TABLE ${table} DROP COLUMN ${c}`);
  // Tables added after `version` (7: sockets) are dropped; they live on one node in a cluster.
  const dropTables = version < 7 ? ['DROP TABLE IF EXISTS sockets'] : [];
  const row = (time: (ms: number) => string, text: (s: string) => string) => (r: FlowRecord) => `(${oldValues(r, version, time, text).join(', ')})`;
  if (s.kind === 'duckdb') {
    const db = await DuckDBInstance.create(s.path);
    const conn = await db.connect();
    const insert = `INSERT INTO flows (${old.join(', ')}) VALUES ${records.map(row((ms) => `TIMESTAMP '${isoText(ms)}'`, sqlText)).join(', ')}`;
    for (const q of [...dropCols('flows'), ...dropTables, `DELETE FROM schema_version WHERE version > ${version}`, insert]) await conn.run(q);
    conn.closeSync();
    db.closeSync();
  } else if (s.kind === 'mariadb') {
    const conn = await mariadbAdmin();
    try {
      const insert = `INSERT INTO \`${s.database}\`.flows (${old.join(', ')}) VALUES ${records.map(row((ms) => `'${isoText(ms)}'`, sqlText)).join(', ')}`;
      const tables = dropTables.map((q) => q.replace('sockets', `\`${s.database}\`.sockets`));
      for (const q of [...dropCols(`\`${s.database}\`.flows`), ...tables, `DELETE FROM \`${s.database}\`.schema_version WHERE version > ${version}`, insert]) await conn.query(q);
    } finally {
      await conn.end();
    }
  } else {
    const http = new ClickHouseHttp({ url: s.url, user: s.user, password: s.password }, s.database);
    for (const url of s.shards ?? [s.url]) {
      const shard = http.at(url);
      for (const q of dropCols('flows')) await shard.exec(q);
      if (s.cluster) for (const q of dropCols('flows_local')) await shard.exec(q);
      // Before version 8 the MergeTree table was sorted by first_seen (it is empty here).
      if (version < 8) {
        const local = s.cluster ? 'flows_local' : 'flows';
        await shard.exec(`CREATE TABLE ${local}_v7 AS ${local} ENGINE = MergeTree() PARTITION BY ${CLICKHOUSE_DAY_PARTITION} ORDER BY (first_seen, client_hi, client_lo)`);
        await shard.exec(`DROP TABLE ${local}`);
        await shard.exec(`RENAME TABLE ${local}_v7 TO ${local}`);
      }
    }
    for (const q of dropTables) await http.exec(q);
    // TinyLog has no DELETE: the version table is made again with the versions up to `version`.
    await http.exec('DROP TABLE schema_version');
    await http.exec('CREATE TABLE schema_version (version UInt32) ENGINE = TinyLog');
    await http.exec(`INSERT INTO schema_version VALUES ${MIGRATIONS.filter((m) => m.version <= version).map((m) => `(${m.version})`).join(', ')}`);
    const tsv = records.map((r) => `${oldValues(r, version, String, (t) => t).join('\t')}\n`).join('');
    await http.insertTsv('flows', old, tsv, { insert_distributed_sync: '1' });
  }
  assert.ok(b.name);
}

/** Open a store of an old version: refused read-only, then migrated by opening it for writing. */
async function migrated(b: Backend, spec: string, version: number): Promise<ManagedStore> {
  const refused = await openStore(spec, { readOnly: true }).then(
    () => assert.fail(`${b.name}: a version-${version} store must not open read-only`),
    (e: unknown) => String(e),
  );
  assert.match(refused, new RegExp(`schema version ${version}; open it once for writing`), b.name);
  return openStore(spec);
}

describe('schema migrations: DuckDB, MariaDB, ClickHouse single node and cluster', () => {
  let backends: Backends;
  before(async () => {
    backends = await startBackends();
  });
  after(async () => {
    await backends?.stop();
  });

  test('a version-4 store opens, migrates, keeps its records (interface 0), and takes new ones', async () => {
    for (const b of backends.all) {
      const spec = b.fresh('v4');
      const s4 = await openStore(spec);
      await s4.close();
      // An old flowmap's store: its table has only the old columns; appending goes through them.
      await toVersion(b, spec, 4, [OLD_RECORD]);
      const s = await migrated(b, spec, 4);
      try {
        // The old record reads as a capture's: no exporter, interfaces 0; its starts are not known.
        assert.deepEqual(await s.scan(0, Date.UTC(2100, 0), 10), [{ ...OLD_RECORD, starts: LEGACY_STARTS }], b.name);
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

  test('a version-5 store migrates to 6: connections as before (distinct client ports), new records add their starts', async () => {
    assert.ok(SCHEMA_VERSION >= 6);
    const all = parseFilter({}, 0);
    const counts = async (st: ManagedStore) => ({
      edges: (await st.top('edges', all)).map((r) => `${r.client}>${r.server}:${r.port} ${r.connections}`).sort(),
      services: (await st.top('services', all)).map((r) => `${r.port}/${r.proto} ${r.connections}`).sort(),
      talkers: (await st.top('talkers', all)).map((r) => `${r.host} ${r.connections}`).sort(),
    });
    // The backup edge: three records of port 57668 (one conversation), 57670, and 57668 on VLAN 10.
    const backup = '192.168.1.69>192.168.1.240:902';
    // Later, port 57668 again: a new conversation (a handshake) and its active-timeout continuation.
    const reuse = RECORDS[0];
    const later = [
      { ...reuse, firstSeen: reuse.firstSeen + 3_600_000, lastSeen: reuse.firstSeen + 3_660_000, starts: 1 },
      { ...reuse, firstSeen: reuse.firstSeen + 3_660_000, lastSeen: reuse.firstSeen + 3_700_000, starts: 0 },
    ];
    for (const b of backends.all) {
      const fresh = await openStore(b.fresh('v6'));
      const spec = b.fresh('v5');
      try {
        await fresh.append(RECORDS);
        const want = await counts(fresh);
        assert.ok(want.edges.includes(`${backup} 3`), `${b.name}: ${want.edges.join(', ')}`);
        const s5 = await openStore(spec);
        await s5.close();
        await toVersion(b, spec, 5, RECORDS);
        const s = await migrated(b, spec, 5);
        try {
          // Old rows: every query answers as before (and as a version-6 store of the same records).
          assert.deepEqual(await counts(s), want, b.name);
          await s.append(later);
          await fresh.append(later);
          const got = await counts(s);
          // The reused port counts: the distinct count said 3.
          assert.ok(got.edges.includes(`${backup} 4`), `${b.name}: ${got.edges.join(', ')}`);
          assert.deepEqual(got, await counts(fresh), b.name);
        } finally {
          await s.close();
        }
      } finally {
        await fresh.close();
      }
    }
  });

  test('a version-6 store migrates to 7: its records stay, and socket periods can be stored and read', async () => {
    assert.ok(SCHEMA_VERSION >= 7);
    for (const b of backends.all) {
      const spec = b.fresh('v6s');
      const s6 = await openStore(spec);
      await s6.close();
      await toVersion(b, spec, 6, RECORDS);
      const s = await migrated(b, spec, 6);
      try {
        assert.equal((await s.stats()).records, RECORDS.length, b.name);
        assert.deepEqual(await s.sockets({}), [], b.name);
        const row = {
          period_id: '0123456789abcdef', host: 'h', proto: 'tcp' as const, state: 'listen' as const, address: '10.0.0.1', local_addr: '0.0.0.0',
          local_port: 22, remote_addr: '', remote_port: 0, pid: 1, comm: 'sshd', exe: '/usr/sbin/sshd', cmdline: 'sshd -D', username: 'root',
          container: '', interval_ms: 60_000, first_seen: OLD_RECORD.firstSeen, last_seen: OLD_RECORD.firstSeen + 60_000,
        };
        await s.saveSockets([row]);
        await s.saveSockets([{ ...row, last_seen: row.last_seen + 60_000 }]);
        assert.deepEqual(await s.sockets({}), [{ ...row, last_seen: row.last_seen + 60_000 }], b.name);
      } finally {
        await s.close();
      }
    }
  });

  test('a version-7 store migrates to 8: ClickHouse rebuilds flows sorted by last_seen, every row kept, even after a rebuild cut short', async () => {
    assert.equal(SCHEMA_VERSION, 8);
    const all = parseFilter({}, 0);
    for (const b of backends.all) {
      const fresh = await openStore(b.fresh('v8f'));
      await fresh.append(RECORDS);
      const want = await fresh.top('edges', all);
      await fresh.close();
      const spec = b.fresh('v7');
      await (await openStore(spec)).close();
      await toVersion(b, spec, 7, RECORDS);
      const s = await migrated(b, spec, 7);
      try {
        assert.equal((await s.stats()).records, RECORDS.length, b.name);
        assert.deepEqual(await s.top('edges', all), want, b.name);
      } finally {
        await s.close();
      }
      const p = parseStoreSpec(spec);
      if (p.kind !== 'clickhouse') continue;
      const http = new ClickHouseHttp({ url: p.url, user: p.user, password: p.password }, p.database);
      const local = p.cluster ? 'flows_local' : 'flows';
      for (const url of p.shards ?? [p.url]) {
        const ddl = (await http.at(url).rows<{ statement: string }>(`SHOW CREATE TABLE ${local}`))[0].statement;
        assert.match(ddl, /ORDER BY \(last_seen, client_hi, client_lo\)/, `${b.name} ${url}`);
      }
      // Cut short twice on the first node: once during the copy (a partial rebuild table is left),
      // once between the renames (the data table is missing, the complete copy is there).
      const node = http.at((p.shards ?? [p.url])[0]);
      const back = async () => {
        await http.exec('DROP TABLE schema_version');
        await http.exec('CREATE TABLE schema_version (version UInt32) ENGINE = TinyLog');
        await http.exec(`INSERT INTO schema_version VALUES ${MIGRATIONS.filter((m) => m.version <= 7).map((m) => `(${m.version})`).join(', ')}`);
      };
      await back();
      await node.exec(`CREATE TABLE ${local}_rebuild AS ${local}`);
      await node.exec(`INSERT INTO ${local}_rebuild SELECT * FROM ${local} LIMIT 2`);
      const again = await openStore(spec);
      try {
        assert.equal((await again.stats()).records, RECORDS.length, `${b.name}: a partial copy is dropped, not added`);
      } finally {
        await again.close();
      }
      await back();
      await node.exec(`CREATE TABLE ${local}_rebuild AS ${local}`);
      await node.exec(`INSERT INTO ${local}_rebuild SELECT * FROM ${local}`);
      await node.exec(`RENAME TABLE ${local} TO ${local}_old`);
      const third = await openStore(spec);
      try {
        assert.equal((await third.stats()).records, RECORDS.length, `${b.name}: the complete copy is renamed into place`);
        assert.deepEqual(await third.top('edges', all), want, b.name);
      } finally {
        await third.close();
      }
    }
  });
});
