import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowRecord } from '../flow/record.js';
import { parseFilter } from '../filter/parse.js';
import { DuckDbStore } from './duckdb.js';
import { WorkerStore } from './worker-store.js';

const T = Date.UTC(2026, 10, 28, 7, 0, 0);

function recs(n: number, from = 0, p: Partial<FlowRecord> = {}): FlowRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    client: '10.0.0.1', server: '10.0.0.2', clientPort: 1 + ((from + i) % 60000), serverPort: 80, proto: 6, ipVersion: 4 as const, vlan: 0,
    bytesC2s: 100, bytesS2c: 1, packetsC2s: 1, packetsS2c: 1, samplingRate: 1, tcpFlagsC2s: 0, tcpFlagsS2c: 0,
    firstSeen: T, lastSeen: T, direction: 'handshake' as const, source: 'pcap:w.pcap', exporter: '', inIf: 0, outIf: 0, starts: 1, ...p,
  }));
}

test('worker store: coalesced appends are all visible to the next query and stored at close', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'w.duckdb');
  const w = new WorkerStore(path);
  await w.init();
  // More than one coalesced transaction (a row group, 122,880 records) plus a tail that waits in the queue.
  let n = 0;
  for (const size of [8192, 100, 5]) {
    await w.append(recs(size, n));
    n += size;
  }
  assert.equal((await w.stats()).records, n, 'a query drains the queue first');
  for (let i = 0; i < 20; i++) {
    await w.append(recs(8192, n));
    n += 8192;
  }
  await w.append(recs(3, n));
  n += 3;
  const top = await w.top('edges', parseFilter({}, T));
  assert.equal(top[0].bytes_c2s, n * 100);
  await w.append(recs(7, n));
  n += 7;
  // Series cross the thread too, and see the queued batch.
  const series = await w.series(parseFilter({}, T), 3_600_000);
  assert.equal(series.reduce((a, r) => a + r.records, 0), n);
  assert.equal(series.reduce((a, r) => a + r.bytes_c2s, 0), n * 100);
  const edgeSeries = await w.edgeSeries(parseFilter({}, T), 3_600_000, [top[0]]);
  assert.deepEqual(edgeSeries.map((r) => ({ t: r.t, bytes_c2s: r.bytes_c2s, bytes_s2c: r.bytes_s2c, packets_c2s: r.packets_c2s, packets_s2c: r.packets_s2c, records: r.records })), series);
  assert.equal(edgeSeries[0]?.client, top[0].client);
  await w.close();
  const r = await DuckDbStore.open(path, { readOnly: true });
  await r.init();
  assert.equal((await r.stats()).records, n, 'close writes the queue');
  await r.close();
});

test('worker store: a failed write is reported by the next request and by close, never lost silently', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = new WorkerStore(join(dir, 'bad.duckdb'));
  await w.init();
  await w.append(recs(2, 0, { proto: 300 }));
  await assert.rejects(w.stats(), /proto/);
  await assert.rejects(w.append(recs(1)), /proto/);
  await assert.rejects(w.close(), /proto/);
});

test('worker store, shared mode: queued records reach the file within about a second, without a query', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'shared.duckdb');
  const w = new WorkerStore(path, { shared: true });
  await w.init();
  await w.append(recs(10));
  let seen = 0;
  for (let i = 0; i < 50 && seen < 10; i++) {
    await new Promise((res) => setTimeout(res, 100));
    const r = await DuckDbStore.open(path, { readOnly: true }).catch(() => undefined);
    if (!r) continue;
    try {
      await r.init();
      seen = (await r.stats()).records;
    } catch {
      // the writer holds the file at this instant
    } finally {
      await r.close();
    }
  }
  assert.equal(seen, 10);
  await w.close();
});

test('worker store, shared mode: checkpoints deferred between writes are done at the last close', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'deferred.duckdb');
  const w = new WorkerStore(path, { shared: true });
  await w.init();
  let n = 0;
  // Two transactions of one whole row group each (the 15th and the 30th batch make one), each opened and
  // closed by the writer; the 32,768 records after them wait in the queue.
  for (let i = 0; i < 34; i++) {
    await w.append(recs(8192, n));
    n += 8192;
  }
  assert.ok(existsSync(`${path}.wal`), 'the checkpoint was deferred: the log holds the block pointers');
  const r = await DuckDbStore.open(path, { readOnly: true });
  await r.init();
  assert.equal((await r.stats()).records, 2 * 122_880, 'a reader replays the log: whole row groups only');
  await r.close();
  await w.close();
  assert.ok(!existsSync(`${path}.wal`), 'the last close checkpoints');
  const after = await DuckDbStore.open(path, { readOnly: true });
  await after.init();
  assert.equal((await after.stats()).records, n);
  await after.close();
});
