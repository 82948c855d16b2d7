/**
 * kill -9 in the middle of `flowmap copy`, to DuckDB and to MariaDB: the target opens and answers
 * with part of the records, and running the same copy again completes it exactly (each batch is
 * committed with the copy's position, so nothing is lost or copied twice).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mariadb';
import { writeLabCapture } from '../gen/lab.js';
import { runCli } from '../testing/cli.js';
import { spawnCli, storeEdges, storeRecords, totalsOf, waitUntil } from '../testing/crash.js';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from '../testing/mariadb.js';

describe('copy: kill -9 mid-copy', () => {
  let dir: string;
  let source: string;
  let admin: Connection | undefined;
  const dbs: string[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-copy-crash-'));
    const capture = join(dir, 'lab.pcap');
    writeLabCapture(capture, { packets: 400_000, seed: 5, snaplen: 64, durationSec: 400 });
    const config = join(dir, 'flowmap.yaml');
    // 1 s timeouts: tens of thousands of records, so a copy takes many batches.
    writeFileSync(config, 'flows:\n  idleTimeout: 1s\n  activeTimeout: 1s\n');
    source = join(dir, 'source.duckdb');
    const r = runCli(['--config', config, '--db', source, 'ingest', capture]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    if (admin) {
      for (const db of dbs) await dropDatabase(admin, db);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function crashAndResume(target: string): Promise<void> {
    const total = storeRecords(source);
    const child = spawnCli(['copy', '--from', source, '--to', target, '--batch', '500']);
    await waitUntil('the first batch copied', () => (/copied \d+ records/.test(child.stderr()) ? true : undefined));
    assert.equal(await child.kill9(), 'SIGKILL');

    const part = storeRecords(target);
    assert.ok(part > 0 && part < total, `killed mid-copy: ${part} of ${total} records in the target`);
    const again = runCli(['copy', '--from', source, '--to', target]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resumed from/);
    assert.equal(storeRecords(target), total);
    const want = storeEdges(source);
    const got = storeEdges(target);
    assert.deepEqual(totalsOf(got), totalsOf(want));
    assert.deepEqual(got, want);
  }

  it('to DuckDB: the target answers, and a re-run completes it exactly', { timeout: 300_000 }, async () => {
    await crashAndResume(join(dir, 'target.duckdb'));
  });

  it('to MariaDB: the same', { timeout: 300_000 }, async () => {
    admin = await mariadbAdmin();
    const name = uniqueDbName('copycrash');
    dbs.push(name);
    await crashAndResume(mariadbSpec(name));
  });
});
