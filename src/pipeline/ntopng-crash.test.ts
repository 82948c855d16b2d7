/**
 * kill -9 in the middle of `flowmap ingest ntopng+mariadb://… --follow`, into DuckDB and MariaDB:
 * the store opens and answers with part of the rows, and running the import again gives exactly the
 * edges of an uninterrupted import (each batch is committed with its idx mark).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mariadb';
import { LabGenerator } from '../gen/lab.js';
import { runCli } from '../testing/cli.js';
import { spawnCli, storeEdges, storeRecords, totalsOf, waitUntil } from '../testing/crash.js';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from '../testing/mariadb.js';
import { createNtopngTables, insertNtopngRows, ntopngRowsFor } from '../testing/ntopng.js';

describe('ntopng --follow: kill -9 mid-import', () => {
  let dir: string;
  let admin: Connection;
  let source: string;
  const dbs: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-ntopng-crash-'));
    admin = await mariadbAdmin();
    const gen = new LabGenerator({ packets: 200_000, snaplen: 64, seed: 6 });
    for await (const chunk of gen.stream()) void chunk;
    const rows = ntopngRowsFor(gen.truth().conversations);
    const ntop = uniqueDbName('ntopcrash');
    dbs.push(ntop);
    await createNtopngTables(admin, ntop);
    // Several import batches (20,000 rows each): the same dumps again are more rows, as ntopng's are.
    for (let i = 0; i < 10; i++) await insertNtopngRows(admin, rows);
    source = `ntopng+mariadb://root@127.0.0.1:3306/${ntop}`;
  });
  after(async () => {
    for (const db of dbs) await dropDatabase(admin, db);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  async function crashAndResume(target: string, ref: string): Promise<void> {
    const r = runCli(['--db', ref, 'ingest', source]);
    assert.equal(r.code, 0, r.stderr);
    const total = storeRecords(ref);

    const child = spawnCli(['--db', target, 'ingest', source, '--follow', '--poll', '200ms']);
    await waitUntil('the first batch imported', () => (/flowsv4: \d+ rows -> \d+ records/.test(child.stderr()) ? true : undefined));
    assert.equal(await child.kill9(), 'SIGKILL');

    const part = storeRecords(target);
    assert.ok(part > 0 && part < total, `killed mid-import: ${part} of ${total} records stored`);
    const again = runCli(['--db', target, 'ingest', source]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(storeRecords(target), total);
    const want = storeEdges(ref);
    const got = storeEdges(target);
    assert.deepEqual(totalsOf(got), totalsOf(want));
    assert.deepEqual(got, want);
  }

  it('into DuckDB: the store answers, and a re-run completes it exactly', { timeout: 300_000 }, async () => {
    await crashAndResume(join(dir, 'target.duckdb'), join(dir, 'ref1.duckdb'));
  });

  it('into MariaDB: the same', { timeout: 300_000 }, async () => {
    const name = uniqueDbName('ntoptarget');
    dbs.push(name);
    await crashAndResume(mariadbSpec(name), join(dir, 'ref2.duckdb'));
  });
});
