/**
 * kill -9 in the middle of `flowmap ingest A B`, on DuckDB and MariaDB: the store opens and answers,
 * holds A whole and nothing of B (each file is one transaction, committed with its mark), and running
 * the same command again skips A and reads B: exactly the edges of an uninterrupted run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mariadb';
import { writeLabCapture } from '../gen/lab.js';
import { runCli } from '../testing/cli.js';
import { readPosition, spawnCli, storeEdges, storeRecords, throttle, totalsOf, waitUntil } from '../testing/crash.js';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from '../testing/mariadb.js';

describe('ingest: kill -9 mid-file', () => {
  let dir: string;
  let small: string;
  let big: string;
  let config: string;
  let admin: Connection;
  const dbs: string[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-ingest-crash-'));
    small = join(dir, 'small.pcap');
    big = join(dir, 'big.pcap');
    writeLabCapture(small, { packets: 60_000, seed: 3, snaplen: 96 });
    // Read slowly (throttled), the store worker would have committed batches of it by the kill, were
    // a file not one transaction; 1 s timeouts make many records.
    writeLabCapture(big, { packets: 2_000_000, seed: 4, snaplen: 64, durationSec: 2000 });
    config = join(dir, 'flowmap.yaml');
    writeFileSync(config, 'flows:\n  idleTimeout: 1s\n  activeTimeout: 1s\n');
  });
  after(async () => {
    if (admin) {
      for (const db of dbs) await dropDatabase(admin, db);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const ingest = (db: string, files: string[]) => runCli(['--config', config, '--db', db, 'ingest', ...files], { timeoutMs: 300_000 });

  async function crashAndResume(db: string): Promise<void> {
    const refSmall = join(dir, `ref-small-${dbs.length}.duckdb`);
    const refBoth = join(dir, `ref-both-${dbs.length}.duckdb`);
    assert.equal(ingest(refSmall, [small]).code, 0);
    assert.equal(ingest(refBoth, [small, big]).code, 0);

    const child = spawnCli(['--config', config, '--db', db, 'ingest', small, big]);
    const size = statSync(big).size;
    // A real mid-point: the big file has been open for over 3 s (the store worker commits what it is
    // sent at least every second) and is read past 60% (batches of it were sent), not to its end.
    // Slowed down from its opening (it takes under a second on an idle machine).
    const pid = child.proc.pid ?? 0;
    let openedAt = 0;
    let release = (): void => undefined;
    const at = await waitUntil('ingest to be well into the big file', () => {
      const pos = readPosition(pid, big);
      if (pos !== null && openedAt === 0) {
        openedAt = Date.now();
        release = throttle(pid);
      }
      return pos !== null && pos > size * 0.6 && pos < size && Date.now() - openedAt > 3000 ? pos : undefined;
    }, 120_000, 2);
    release();
    assert.ok(at < size);
    assert.equal(await child.kill9(), 'SIGKILL');

    // The store opens and answers; it holds the small file whole and nothing of the big one.
    assert.equal(storeRecords(db), storeRecords(refSmall));
    assert.deepEqual(storeEdges(db), storeEdges(refSmall));

    const again = ingest(db, [small, big]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /small\.pcap: already stored/);
    const want = storeEdges(refBoth);
    const got = storeEdges(db);
    assert.deepEqual(totalsOf(got), totalsOf(want));
    assert.deepEqual(got, want);
    assert.equal(storeRecords(db), storeRecords(refBoth));
  }

  it('SIGINT mid-file: that file is not stored and the message says so, the files before it are', { timeout: 600_000 }, async () => {
    const refSmall = join(dir, 'ref-sigint.duckdb');
    assert.equal(ingest(refSmall, [small]).code, 0);
    const db = join(dir, 'sigint.duckdb');
    const child = spawnCli(['--config', config, '--db', db, 'ingest', small, big]);
    const pid = child.proc.pid ?? 0;
    let release = (): void => undefined;
    await waitUntil('ingest to open the big file', () => {
      const pos = readPosition(pid, big);
      if (pos === null) return undefined;
      release = throttle(pid);
      return pos;
    }, 120_000, 2);
    await new Promise((r) => setTimeout(r, 1000));
    release();
    process.kill(pid, 'SIGINT');
    assert.equal(await child.exited, 1, child.stderr());
    assert.match(child.stderr(), /big\.pcap: interrupted: nothing of it stored/);
    assert.deepEqual(storeEdges(db), storeEdges(refSmall));
  });

  it('DuckDB: the store holds whole files only, and a re-run completes it exactly', { timeout: 600_000 }, async () => {
    await crashAndResume(join(dir, 'crash.duckdb'));
  });

  it('MariaDB: the same', { timeout: 600_000 }, async () => {
    admin = await mariadbAdmin();
    const name = uniqueDbName('ingestcrash');
    dbs.push(name);
    await crashAndResume(mariadbSpec(name));
  });
});
