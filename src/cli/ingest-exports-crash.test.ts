/**
 * kill -9 in the middle of `flowmap ingest --exports FILE`, on DuckDB and MariaDB: the run is one
 * transaction (halves pair and templates serve across files), so the store answers and holds nothing
 * of it, and running it again gives exactly the conversations and exporter health of an
 * uninterrupted run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mariadb';
import type { ExporterHealthRow } from '../store/store.js';
import { runCli } from '../testing/cli.js';
import { readPosition, spawnCli, storeEdges, storeRecords, throttle, totalsOf, waitUntil } from '../testing/crash.js';
import { datagramsPcap } from '../testing/flowexport-datagrams.js';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from '../testing/mariadb.js';
import { v5Datagram } from '../testing/v5-stream.js';

/**
 * Three times what a throttled run reads in its 8 s here: at 12,000 a run had read the whole file by
 * then and once finished before the kill (a test that cannot show what it claims).
 */
const DATAGRAMS = 36_000;

describe('ingest --exports: kill -9 mid-run', () => {
  let dir: string;
  let file: string;
  let admin: Connection | undefined;
  const dbs: string[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-exports-crash-'));
    file = join(dir, 'exports.pcap');
    const t0 = Date.UTC(2026, 0, 15, 10);
    const datagrams = Array.from({ length: DATAGRAMS }, (_, i) => ({ payload: v5Datagram(i), src: '127.0.0.1', srcPort: 40_000, dstPort: 2055, tsMs: t0 + i }));
    writeFileSync(file, datagramsPcap(datagrams));
  });
  after(async () => {
    if (admin) {
      for (const db of dbs) await dropDatabase(admin, db);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const health = (db: string) => {
    const r = runCli(['--db', db, 'exporters', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as ExporterHealthRow[]).map((h) => [h.exporter, h.protocol, h.datagrams, h.records, h.errors]);
  };

  async function crashAndRerun(db: string, ref: string): Promise<void> {
    assert.equal(runCli(['--db', ref, 'ingest', '--exports', file]).code, 0);
    const child = spawnCli(['--db', db, 'ingest', '--exports', file]);
    const pid = child.proc.pid ?? 0;
    // A real mid-point, slowed down: the file open for 8 s (by then the store worker has committed
    // tens of thousands of its records, were the run not one transaction), its summary not yet printed.
    await waitUntil('ingest to open the file', () => readPosition(pid, file) ?? undefined, 120_000, 2);
    const release = throttle(pid);
    await new Promise((r) => setTimeout(r, 8000));
    const read = readPosition(pid, file);
    release();
    assert.equal(await child.kill9(), 'SIGKILL');
    assert.doesNotMatch(child.stderr(), /exports:exports\.pcap:/, `killed before the file was read to its end (read up to byte ${read ?? '?'} of ${statSync(file).size})`);

    assert.equal(storeRecords(db), 0);
    assert.deepEqual(health(db), []);
    const again = runCli(['--db', db, 'ingest', '--exports', file]);
    assert.equal(again.code, 0, again.stderr);
    const want = storeEdges(ref);
    assert.deepEqual(totalsOf(storeEdges(db)), totalsOf(want));
    assert.deepEqual(storeEdges(db), want);
    assert.equal(storeRecords(db), storeRecords(ref));
    assert.deepEqual(health(db), health(ref));
  }

  it('DuckDB: nothing of the run is stored, and a re-run gives exactly an uninterrupted run', { timeout: 300_000 }, async () => {
    await crashAndRerun(join(dir, 'crash.duckdb'), join(dir, 'ref1.duckdb'));
  });

  it('MariaDB: the same', { timeout: 300_000 }, async () => {
    admin = await mariadbAdmin();
    const name = uniqueDbName('exportscrash');
    dbs.push(name);
    await crashAndRerun(mariadbSpec(name), join(dir, 'ref2.duckdb'));
  });
});
