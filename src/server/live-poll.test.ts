/**
 * Live updates across processes: `flowmap collect` (one process) appends to a store that `flowmap
 * serve` (another process, collecting nothing itself) reads; the serve's event stream reports the new
 * records and exporter health, found by polling the store. On MariaDB (two clients of one server)
 * and on a DuckDB file (each process opens it only while it uses it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mariadb';
import type { LiveEvent } from '../api/types.js';
import { sendDatagrams, startCollect } from '../testing/collector.js';
import { dropDatabase, mariadbAdmin, mariadbSpec, uniqueDbName } from '../testing/mariadb.js';
import { V5_PLAN, v5PlanDatagrams } from '../testing/metrics.js';
import { openEvents, startServe } from '../testing/server.js';
import { POLL_EVERY_MS } from './live-poll.js';

const RECORDS = V5_PLAN.good * V5_PLAN.flowsPer;

/** collect in one process, serve in another on the same store; the serve's stream hears the records. */
async function acrossProcesses(spec: string): Promise<void> {
  const collector = await startCollect(spec);
  try {
    const serve = await startServe(spec, []);
    try {
      const events = await openEvents(serve.url);
      try {
        const hello = JSON.parse((await events.next('hello')).data) as LiveEvent;
        assert.deepEqual(hello, { stored: 0, lastSeen: null });
        // The serve's first poll (its baseline) runs at start; what comes after it is news.
        await new Promise((r) => setTimeout(r, 500));
        await sendDatagrams(collector.ports.netflow, v5PlanDatagrams());
        // One-way records wait for their other half (idle timeout), then a batch, then a poll.
        let last: LiveEvent = hello;
        for (let seen = 0; last.stored < RECORDS; ) {
          const e = await events.next('flows', seen, 60_000);
          seen = events.events.indexOf(e) + 1;
          last = JSON.parse(e.data) as LiveEvent;
        }
        assert.equal(last.stored, RECORDS);
        assert.ok(last.lastSeen !== null && Date.parse(last.lastSeen) > Date.now() - 3_600_000, JSON.stringify(last));
        await events.next('health', 0, 60_000);
      } finally {
        events.close();
      }
      const { code, stderr } = await serve.stop();
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stderr, /polling the store/);
    } finally {
      await serve.stop();
    }
  } finally {
    const { code, stderr } = await collector.stop();
    assert.equal(code, 0, stderr);
  }
}

describe(`live updates from another process (store polled every ${POLL_EVERY_MS} ms)`, () => {
  let admin: Connection;
  let db: string;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-live-poll-'));
    admin = await mariadbAdmin();
    db = uniqueDbName('livepoll');
    await admin.query(`CREATE DATABASE \`${db}\``);
  });
  after(async () => {
    await dropDatabase(admin, db);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('MariaDB: collect appends, the serve in another process pushes flows and health events', async () => {
    await acrossProcesses(mariadbSpec(db));
  });

  it('DuckDB file: the same, the two processes taking turns on the file', async () => {
    await acrossProcesses(join(dir, 'shared.duckdb'));
  });
});
