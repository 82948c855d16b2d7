/**
 * The database server restarts while `flowmap collect` runs (a private MariaDB, and a private
 * ClickHouse, stopped for a few seconds while datagrams keep coming): batches are held and written
 * with back-off once it is back, so the stored conversations are exactly those sent. With a backlog
 * too small for the outage, the oldest held records are dropped, and `flowmap exporters` counts
 * exactly the missing ones.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STORE_DROP_REASON } from '../store/backlog.js';
import type { ConversationRow, ExporterHealthRow } from '../store/store.js';
import { runCli } from '../testing/cli.js';
import { spawnCli, waitUntil } from '../testing/crash.js';
import { startPrivateMariaDb } from '../testing/mariadb-private.js';
import { startClickHouse } from '../testing/clickhouse.js';
import { missingTool } from '../testing/tools.js';
import { conversation, sendSteadily, V5_PER_DATAGRAM } from '../testing/v5-stream.js';

const RATE = 100; // datagrams a second: 1,500 conversations

/** A private database server the test may stop and start again (same data, same port). */
interface RestartableServer {
  spec(db: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const SERVERS: { name: string; skip: string | false; open(dir: string): Promise<RestartableServer> }[] = [
  {
    name: 'MariaDB',
    skip: missingTool('mariadbd'),
    open: async (dir) => {
      const m = await startPrivateMariaDb(dir);
      return { spec: (db) => m.spec(db), stop: () => m.stop(), start: () => m.start(), close: () => m.stop() };
    },
  },
  {
    name: 'ClickHouse',
    skip: missingTool('clickhouse-server'),
    open: async () => {
      const ch = await startClickHouse(1);
      return { spec: (db) => ch.spec(db), stop: () => ch.pause(), start: () => ch.resume(), close: () => ch.stop() };
    },
  },
];

for (const { name, skip, open } of SERVERS) describe(`collect while the ${name} server restarts`, { skip }, () => {
  let dir: string;
  let server: RestartableServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-collect-restart-'));
    server = await open(dir);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Collect into `db` while the server goes away for `downMs`; returns what was sent, stored, and the health. */
  async function outage(db: string, extra: string[], downMs: number) {
    const spec = server.spec(db);
    const child = spawnCli(['--db', spec, 'collect', '--netflow', '0', '--no-ipfix', '--no-sflow', '--json', ...extra]);
    const port = Number(await waitUntil('collect to listen', () => /netflow (\d+)\/udp/.exec(child.stderr())?.[1], 60_000, 20));
    const stream = sendSteadily(port, 0, 1_000_000, RATE);
    await new Promise((r) => setTimeout(r, 2000));
    await server.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await server.start();
    await new Promise((r) => setTimeout(r, 2000));
    stream.stop();
    const sent = await stream.done;
    await new Promise((r) => setTimeout(r, 500));
    child.proc.kill('SIGTERM');
    const code = await child.exited;
    assert.equal(code, 0, child.stderr());
    const summary = JSON.parse(child.stdout()) as { datagrams: number };
    assert.equal(summary.datagrams, sent, 'every datagram was received');
    const r = runCli(['--db', spec, 'top', '--by', 'flows', '--json', '--limit', '1000000']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as ConversationRow[];
    const h = runCli(['--db', spec, 'exporters', '--json']);
    assert.equal(h.code, 0, h.stderr);
    const health = JSON.parse(h.stdout) as ExporterHealthRow[];
    // Every stored conversation is one that was sent, whole, once.
    const byKey = new Map(rows.map((row) => [`${row.client}:${row.client_port}`, row]));
    assert.equal(byKey.size, rows.length);
    for (const row of rows) assert.equal(row.records, 1);
    let missing = 0;
    for (let k = 0; k < sent * V5_PER_DATAGRAM; k++) {
      const c = conversation(k);
      const row = byKey.get(`${c.client}:${c.clientPort}`);
      if (!row) missing++;
      else assert.deepEqual([row.bytes_c2s, row.bytes_s2c, row.packets], [c.bytesC2s, c.bytesS2c, c.packets]);
    }
    return { sent, rows, missing, health };
  }

  it('within the backlog: everything sent is stored, nothing dropped', { timeout: 300_000 }, async () => {
    const { sent, rows, missing, health } = await outage('within', [], 4000);
    assert.ok(sent > RATE * 7, `${sent} datagrams sent`);
    assert.equal(missing, 0);
    assert.equal(rows.length, sent * V5_PER_DATAGRAM);
    assert.equal(health.length, 1);
    assert.equal(health[0].datagrams, sent);
    assert.equal(health[0].errors, 0);
    assert.deepEqual(health[0].error_reasons, {});
  });

  it('stopped while the server is still down: 30 s of retries, then exit 1 naming the records not stored', { timeout: 300_000 }, async () => {
    const spec = server.spec('stopdown');
    const child = spawnCli(['--db', spec, 'collect', '--netflow', '0', '--no-ipfix', '--no-sflow']);
    const port = Number(await waitUntil('collect to listen', () => /netflow (\d+)\/udp/.exec(child.stderr())?.[1], 60_000, 20));
    assert.equal(await sendSteadily(port, 0, 100, RATE).done, 100);
    const stored = () => runCli(['--db', spec, 'db', 'stats']).stdout;
    await waitUntil('the first datagrams stored', () => (stored().startsWith(`${100 * V5_PER_DATAGRAM} records`) ? true : undefined), 30_000, 200);
    await server.stop();
    assert.equal(await sendSteadily(port, 100, 200, RATE).done, 100);
    await new Promise((r) => setTimeout(r, 2500));
    const stopAt = Date.now();
    child.proc.kill('SIGTERM');
    assert.equal(await child.exited, 1, child.stderr());
    assert.ok(Date.now() - stopAt >= 29_000, 'it kept trying');
    assert.match(child.stderr(), new RegExp(`the store stayed unreachable: ${100 * V5_PER_DATAGRAM} records were not stored`));
    await server.start();
    assert.match(stored(), new RegExp(`^${100 * V5_PER_DATAGRAM} records`));
  });

  it('past the backlog: the oldest held records are dropped, and exporter health counts exactly those', { timeout: 300_000 }, async () => {
    // 4 s down at 1,500 conversations a second: far more than 2,000 held.
    const { sent, rows, missing, health } = await outage('past', ['--backlog', '2000'], 4000);
    assert.ok(missing > 0, 'records were dropped');
    assert.equal(rows.length + missing, sent * V5_PER_DATAGRAM);
    assert.equal(health.length, 1);
    assert.equal(health[0].error_reasons[STORE_DROP_REASON], missing);
    assert.equal(health[0].errors, missing);
  });
});
