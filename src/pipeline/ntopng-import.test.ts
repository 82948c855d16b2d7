/**
 * ntopng import against MariaDB tables made by ntopng's own CREATE TABLE + migrations, filled with
 * rows shaped like ntopng's from lab traffic: flowmap's edges must equal plain SQL over the same rows
 * and the same traffic ingested from its capture; --follow resumes without double counting.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mariadb';
import { DEFAULT_FLOWS } from '../config/model.js';
import { parseFilter } from '../filter/parse.js';
import { LabGenerator, type LabTruth } from '../gen/lab.js';
import { ingestCapture } from './ingest.js';
import { ServiceRegistry } from '../services/registry.js';
import { openStore } from '../store/open.js';
import type { EdgeRow, ManagedStore } from '../store/store.js';
import { runCli } from '../testing/cli.js';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from '../testing/mariadb.js';
import { createNtopngTables, insertNtopngRows, NTOPNG_EDGES_SQL, ntopngRowsFor } from '../testing/ntopng.js';
import { UsageError } from '../util/errors.js';
import { parseNtopngSpec } from '../sources/ntopng/tables.js';
import { importNtopng } from './ntopng-import.js';
import { protoName } from '../util/protocols.js';

const ALL = parseFilter({ limit: 1_000_000 }, Date.now());
const edgeKey = (r: { client: string; server: string; port: number; proto: string }) => `${r.proto} ${r.client} > ${r.server}:${r.port}`;
const sums = (rows: EdgeRow[]) => new Map(rows.map((r) => [edgeKey(r), [r.bytes_c2s, r.bytes_s2c, r.connections]]));

describe('ntopng import', () => {
  let admin: Connection;
  let dir: string;
  const dbs: string[] = [];
  let truth: LabTruth;
  let ntopDb: string;
  let source: string;

  before(async () => {
    admin = await mariadbAdmin();
    dir = mkdtempSync(join(tmpdir(), 'flowmap-ntopng-'));
    const gen = new LabGenerator({ packets: 8000, snaplen: 96, seed: 41, chunkSize: 256 << 10 });
    // The same traffic as a capture, ingested the usual way (the reference for edges).
    const cap = await openStore(join(dir, 'capture.duckdb'));
    await ingestCapture(gen.stream(), 'lab', { store: cap, services: ServiceRegistry.builtin(), ...DEFAULT_FLOWS });
    await cap.close();
    truth = gen.truth();
    ntopDb = uniqueDbName('ntopng');
    dbs.push(ntopDb);
    await createNtopngTables(admin, ntopDb);
    await insertNtopngRows(admin, ntopngRowsFor(truth.conversations));
    source = `ntopng+mariadb://root@127.0.0.1:3306/${ntopDb}`;
  });
  after(async () => {
    for (const db of dbs) await dropDatabase(admin, db);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  test('spec parsing', () => {
    assert.deepEqual(parseNtopngSpec('ntopng+mariadb://ntopng:ntopng@192.168.1.65/ntopng'), { host: '192.168.1.65', port: 3306, user: 'ntopng', password: 'ntopng', database: 'ntopng' });
    assert.equal(parseNtopngSpec('ntopng+mysql://u@h:3307/db').port, 3307);
    assert.throws(() => parseNtopngSpec('ntopng+mariadb://u@h/'), UsageError);
    assert.throws(() => parseNtopngSpec('ntopng+postgres://u@h/db'), UsageError);
  });

  test('edges equal plain SQL over ntopng rows, and the same traffic ingested from its capture', async () => {
    const store = await openStore(join(dir, 'import.duckdb'));
    try {
      const summaries = await importNtopng(parseNtopngSpec(source), store, { batchSize: 500 });
      const rows = summaries.reduce((n, s) => n + s.rows, 0);
      assert.ok(rows > truth.conversations.length, 'conversations were dumped in several partial rows');
      assert.equal(summaries.reduce((n, s) => n + s.records, 0), rows);
      assert.ok(summaries.every((s) => s.present && Object.keys(s.skipped).length === 0));
      const got = await store.top('edges', ALL);

      await admin.query(`USE \`${ntopDb}\``);
      const sql = (await admin.query(NTOPNG_EDGES_SQL())) as Record<string, unknown>[];
      const want = new Map(sql.map((r) => [edgeKey({ proto: protoName(Number(r.proto)), client: String(r.client), server: String(r.server), port: Number(r.port) }), [Number(r.c2s), Number(r.s2c), Number(r.connections)]]));
      assert.deepEqual(sums(got), want);
      assert.deepEqual(
        got.reduce((n, r) => n + r.packets, 0),
        sql.reduce((n, r) => n + Number(r.packets), 0),
      );

      const cap = await openStore(join(dir, 'capture.duckdb'), { readOnly: true });
      const fromCapture = await cap.top('edges', ALL);
      await cap.close();
      assert.deepEqual(sums(got), sums(fromCapture));
      // Per-direction packets come from ntopng's JSON.
      const conv = await store.top('flows', ALL);
      const capConv = await openStore(join(dir, 'capture.duckdb'), { readOnly: true });
      const capFlows = await capConv.top('flows', ALL);
      await capConv.close();
      const pk = (rs: typeof conv) => new Map(rs.map((r) => [`${edgeKey(r)} ${r.client_port} ${r.vlan}`, [r.packets_c2s, r.packets_s2c]]));
      assert.deepEqual(pk(conv), pk(capFlows));

      // A second run finds nothing new: the position is kept in the store.
      const again = await importNtopng(parseNtopngSpec(source), store);
      assert.deepEqual(again.map((s) => s.rows), [0, 0]);
      assert.deepEqual(sums(await store.top('edges', ALL)), want);
    } finally {
      await store.close();
    }
  });

  test('--follow picks up new rows; a restart resumes without double counting (MariaDB target)', async () => {
    const srcDb = uniqueDbName('ntopfollow');
    dbs.push(srcDb);
    const conn = await mariadbAdmin();
    await createNtopngTables(conn, srcDb, 'live');
    const rows = ntopngRowsFor(truth.conversations);
    const half = Math.floor(rows.length / 2);
    await insertNtopngRows(conn, rows.slice(0, 100), 'live');
    const targetDb = uniqueDbName('fmtarget');
    dbs.push(targetDb);
    const spec = parseNtopngSpec(`ntopng+mariadb://root@127.0.0.1/${srcDb}`);

    const store: ManagedStore = await openStore(mariadbSpec(targetDb));
    const abort = new AbortController();
    let batches = 0;
    const running = importNtopng(spec, store, { prefix: 'live', follow: true, pollMs: 50, batchSize: 64, signal: abort.signal, onBatch: () => batches++ });
    const stored = async () => (await store.top('edges', ALL)).reduce((n, r) => n + r.bytes, 0);
    const waitFor = async (bytes: number) => {
      const deadline = Date.now() + 20_000;
      while ((await stored()) !== bytes) {
        assert.ok(Date.now() < deadline, `follow reached ${await stored()} of ${bytes} bytes`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const bytesOf = (rs: typeof rows) => rs.reduce((n, r) => n + Number(r.values[7]) + Number(r.values[8]), 0);
    await waitFor(bytesOf(rows.slice(0, 100)));
    await insertNtopngRows(conn, rows.slice(100, half), 'live');
    await waitFor(bytesOf(rows.slice(0, half)));
    abort.abort();
    await running;
    await store.close();
    assert.ok(batches >= 2);

    // Restart (a new process in real life): only the rest is imported.
    await insertNtopngRows(conn, rows.slice(half), 'live');
    const s2 = await openStore(mariadbSpec(targetDb));
    const second = await importNtopng(spec, s2, { prefix: 'live' });
    assert.equal(second.reduce((n, s) => n + s.rows, 0), rows.length - half);
    assert.equal((await s2.top('edges', ALL)).reduce((n, r) => n + r.bytes, 0), bytesOf(rows));
    assert.equal((await s2.stats()).records, rows.length);
    await s2.close();
    await conn.end();
  });

  test('bad rows are skipped and counted; missing tables are a usage error', async () => {
    const srcDb = uniqueDbName('ntopbad');
    dbs.push(srcDb);
    const conn = await mariadbAdmin();
    await createNtopngTables(conn, srcDb);
    await conn.query('INSERT INTO flowsv4 (IP_SRC_ADDR, IP_DST_ADDR, L4_SRC_PORT, L4_DST_PORT, PROTOCOL, IN_BYTES, OUT_BYTES, PACKETS, FIRST_SWITCHED, LAST_SWITCHED, JSON) VALUES (NULL, 167772162, 1, 80, 6, 10, 20, 2, 1700000000, 1700000001, NULL), (167772161, 167772162, 2, 80, 6, 10, 20, 2, 1700000000, 1700000001, ?)', ['not compressed']);
    await conn.query("INSERT INTO flowsv6 (IP_SRC_ADDR, IP_DST_ADDR, L4_SRC_PORT, L4_DST_PORT, PROTOCOL, IN_BYTES, OUT_BYTES, PACKETS, FIRST_SWITCHED, LAST_SWITCHED) VALUES ('garbage', '2001:db8::1', 1, 80, 6, 1, 1, 1, 1700000000, 1700000000), ('2001:DB8:0:0::10', '::ffff:10.0.0.2', 3, 443, 6, 5, 6, 3, 1700000000, 1700000000)");
    const store = await openStore(':memory:');
    const s = await importNtopng(parseNtopngSpec(`ntopng+mariadb://root@127.0.0.1/${srcDb}`), store);
    assert.deepEqual(s.map((x) => [x.rows, x.records, x.skipped]), [[2, 1, { 'bad address': 1 }], [2, 1, { 'bad address': 1 }]]);
    const edges = await store.top('edges', ALL);
    assert.deepEqual(edges.map((e) => [e.client, e.server, e.port, e.bytes, e.packets]), [['10.0.0.1', '10.0.0.2', 80, 30, 2], ['2001:db8::10', '10.0.0.2', 443, 11, 3]]);
    await store.close();
    await assert.rejects(importNtopng(parseNtopngSpec(`ntopng+mariadb://root@127.0.0.1/${srcDb}`), await openStore(':memory:'), { prefix: 'nope' }), (e: unknown) => e instanceof UsageError && /no ntopng flow tables nopev4/.test(e.message));
    await conn.end();
  });

  test('CLI: flowmap ingest ntopng+mariadb://... then top --by edges', async () => {
    const db = join(dir, 'cli.duckdb');
    const r = runCli(['ingest', source, '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { table: string; rows: number }[];
    assert.deepEqual(summary.map((s) => s.table), ['flowsv4', 'flowsv6']);
    assert.match(r.stderr, /flowsv4: \d+ rows -> \d+ records/);
    const top = runCli(['top', '--by', 'edges', '--db', db, '--json', '--limit', '3']);
    assert.equal(top.code, 0, top.stderr);
    assert.equal((JSON.parse(top.stdout) as unknown[]).length, 3);
    const bad = runCli(['ingest', source, 'other.pcap', '--db', db]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /ntopng/);
  });
});
