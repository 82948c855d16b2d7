/**
 * kill -9 in the middle of `flowmap collect`, on DuckDB and MariaDB, while datagrams arrive: the
 * store opens and answers; every record in it is whole (each conversation's bytes exactly as sent,
 * none twice); and what was received more than a few seconds before the kill is all there (records
 * reach the store within about two seconds: the 1 s tick, then the store worker's 1 s commit).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mariadb';
import type { ConversationRow } from '../store/store.js';
import { runCli } from '../testing/cli.js';
import { spawnCli, storeRecords, waitUntil } from '../testing/crash.js';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from '../testing/mariadb.js';
import { conversation, sendSteadily, V5_PER_DATAGRAM } from '../testing/v5-stream.js';

describe('collect: kill -9 while datagrams arrive', () => {
  let dir: string;
  let admin: Connection | undefined;
  const dbs: string[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-collect-crash-'));
  });
  after(async () => {
    if (admin) {
      for (const db of dbs) await dropDatabase(admin, db);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function crash(db: string): Promise<void> {
    const child = spawnCli(['--db', db, 'collect', '--netflow', '0', '--no-ipfix', '--no-sflow']);
    const port = Number(await waitUntil('collect to listen', () => /netflow (\d+)\/udp/.exec(child.stderr())?.[1], 60_000, 20));
    // First 100 datagrams, then until all their conversations are stored.
    const first = 100;
    assert.equal(await sendSteadily(port, 0, first, 200).done, first);
    await waitUntil('the first datagrams stored', () => (storeRecords(db) >= first * V5_PER_DATAGRAM ? true : undefined), 30_000, 200);
    // Then a steady stream, and the kill in the middle of it.
    const stream = sendSteadily(port, first, 100_000, 200);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await child.kill9(), 'SIGKILL');
    stream.stop();
    const sent = first + (await stream.done);
    assert.ok(sent > first + 100, `the kill came while datagrams arrived (${sent} sent)`);

    const r = runCli(['--db', db, 'top', '--by', 'flows', '--json', '--limit', '1000000']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as ConversationRow[];
    assert.ok(rows.length >= first * V5_PER_DATAGRAM, `${rows.length} conversations stored, ${first * V5_PER_DATAGRAM} were before the stream`);
    assert.ok(rows.length <= sent * V5_PER_DATAGRAM);
    const byKey = new Map(rows.map((row) => [`${row.client}:${row.client_port}`, row]));
    assert.equal(byKey.size, rows.length);
    for (let k = 0; k < first * V5_PER_DATAGRAM; k++) {
      const c = conversation(k);
      const row = byKey.get(`${c.client}:${c.clientPort}`);
      assert.ok(row, `conversation ${k} stored`);
      assert.deepEqual([row.bytes_c2s, row.bytes_s2c, row.packets, row.records], [c.bytesC2s, c.bytesS2c, c.packets, 1]);
    }
    // Those of the stream that made it are whole too.
    for (const row of rows) assert.equal(row.records, 1);
    assert.equal(storeRecords(db), rows.length);
    assert.equal(runCli(['--db', db, 'exporters', '--json']).code, 0);
  }

  it('DuckDB: the store answers, holds whole records, and everything older than the last seconds', { timeout: 300_000 }, async () => {
    await crash(join(dir, 'collect.duckdb'));
  });

  it('MariaDB: the same', { timeout: 300_000 }, async () => {
    admin = await mariadbAdmin();
    const name = uniqueDbName('collectcrash');
    dbs.push(name);
    await crash(mariadbSpec(name));
  });
});
