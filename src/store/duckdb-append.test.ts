import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DIRECTION_EVIDENCE, type FlowRecord } from '../flow/record.js';
import { DuckDbStore } from './duckdb.js';
import { toColumns } from './record-columns.js';
import { FLOW_COLUMNS } from './schema.js';
import { WorkerStore } from './worker-store.js';

const T = Date.UTC(2026, 11, 4, 12, 0, 0);
/** More than one DuckDB row group (122,880): the store worker splits a batch at the boundary. */
const N = 130_000;

/** A 128-bit address (IPv4 mapped into ::ffff:0:0/96) from its text, worked out apart from util/ip.ts. */
function addr128(text: string): bigint {
  if (!text.includes(':')) return 0xffff00000000n | BigInt(text.split('.').reduce((n, x) => n * 256 + Number(x), 0));
  const [head, tail = ''] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = text.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * Records that vary every column: IPv4 and IPv6 ends, counters up to 2^53 - 1, sampled and unsampled,
 * every direction, a few sources and exporters, changing within chunks and between them.
 */
function records(): FlowRecord[] {
  let s = 99;
  const rnd = (n: number): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n);
  return Array.from({ length: N }, (_, i) => {
    const v6 = rnd(5) === 0;
    const rate = [1, 1, 0, 10, 512][rnd(5)];
    const big = rnd(50) === 0;
    const bytes = big ? Number.MAX_SAFE_INTEGER - rnd(1000) : rnd(2_000_000_000) * (rate || 1);
    const first = T - rnd(86_400_000);
    return {
      client: v6 ? `2001:db8:${rnd(65536).toString(16)}::${((i % 65535) + 1).toString(16)}` : `10.${rnd(256)}.${(i >> 8) & 255}.${i & 255}`,
      server: v6 ? `fe80::${rnd(65536).toString(16)}:1` : `192.168.${rnd(256)}.${rnd(256)}`,
      clientPort: rnd(65536), serverPort: rnd(65536), proto: rnd(256), ipVersion: v6 ? 6 : 4, vlan: rnd(4096),
      bytesC2s: bytes, bytesS2c: rnd(1_000_000) * (rate || 1), packetsC2s: big ? 2 ** 40 : rnd(100_000), packetsS2c: rnd(100_000),
      samplingRate: rate, tcpFlagsC2s: rnd(256), tcpFlagsS2c: rnd(256),
      firstSeen: first, lastSeen: first + rnd(60_000),
      direction: DIRECTION_EVIDENCE[i < 10_000 ? 0 : rnd(DIRECTION_EVIDENCE.length)],
      source: i < 20_000 ? 'netflow:10.0.0.254/0' : `sflow:10.0.0.${rnd(3)}/${rnd(2)}`,
      exporter: i < 20_000 ? '10.0.0.254' : `10.0.0.${rnd(3)}`,
      inIf: rnd(2) === 0 ? 0 : 4_294_967_295 - rnd(10), outIf: rnd(100), starts: rnd(2),
    };
  });
}

/** Every column of FLOW_COLUMNS as the table should hold it, in the form the query below reads it. */
function expected(r: FlowRecord): Record<string, unknown> {
  const raw = (v: number): bigint => BigInt(r.samplingRate > 1 ? Math.round(v / r.samplingRate) : v);
  const c = addr128(r.client);
  const sv = addr128(r.server);
  const M = (1n << 64n) - 1n;
  return {
    first_seen: BigInt(r.firstSeen), last_seen: BigInt(r.lastSeen), client: r.client, server: r.server,
    client_hi: c >> 64n, client_lo: c & M, server_hi: sv >> 64n, server_lo: sv & M,
    client_port: r.clientPort, server_port: r.serverPort, proto: r.proto, ip_version: r.ipVersion, vlan: r.vlan,
    bytes_c2s: BigInt(r.bytesC2s), bytes_s2c: BigInt(r.bytesS2c), packets_c2s: BigInt(r.packetsC2s), packets_s2c: BigInt(r.packetsS2c),
    raw_bytes_c2s: raw(r.bytesC2s), raw_bytes_s2c: raw(r.bytesS2c), raw_packets_c2s: raw(r.packetsC2s), raw_packets_s2c: raw(r.packetsS2c),
    sampling_rate: r.samplingRate >= 1 ? r.samplingRate : 1, tcp_flags_c2s: r.tcpFlagsC2s, tcp_flags_s2c: r.tcpFlagsS2c,
    direction: r.direction, source: r.source, exporter: r.exporter, in_if: r.inIf, out_if: r.outIf, starts: r.starts,
  };
}

for (const shared of [false, true]) {
  test(`worker store${shared ? ' (shared, as collect)' : ''}: ${N} varied records read back exactly, every column`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-append-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'a.duckdb');
    const recs = records();
    const w = new WorkerStore(path, { shared });
    await w.init();
    try {
      // Batches of uneven sizes, as a collector hands them over; every other one in column form
      // (as the batcher builds them while records come).
      for (let i = 0, k = 0; i < recs.length; k++) {
        const n = [8192, 1, 3000, 2047, 12_000, 5][k % 6];
        if (k % 2 === 0) await w.append(recs.slice(i, i + n));
        else await w.appendBatch(toColumns(recs.slice(i, i + n)));
        i += n;
      }
    } catch (e) {
      await w.close().catch(() => undefined); // the worker thread would keep the test running
      throw e;
    }
    await w.close();

    const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    t.after(() => inst.closeSync());
    const conn = await inst.connect();
    const cols = FLOW_COLUMNS.map((c) => (c.name.endsWith('_seen') ? `epoch_ms(${c.name}) AS ${c.name}` : c.name));
    const rows = (await conn.runAndReadAll(`SELECT ${cols.join(', ')} FROM flows ORDER BY rowid`)).getRowObjectsJS();
    conn.closeSync();
    assert.equal(rows.length, recs.length);
    for (let i = 0; i < rows.length; i++) {
      const want = expected(recs[i]);
      assert.deepEqual(Object.keys(want), FLOW_COLUMNS.map((c) => c.name), 'the test covers every column');
      assert.deepEqual(rows[i], want, `row ${i}`);
    }
  });
}

test('appendColumns straight (no worker): the same records, the same table', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-append-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'b.duckdb');
  const recs = records().slice(0, 9000);
  const s = await DuckDbStore.open(path);
  await s.init();
  await s.append(recs);
  const got = await s.scan(T - 86_400_000 * 2, T + 86_400_000, recs.length + 1);
  await s.close();
  assert.equal(got.length, recs.length);
  const key = (r: FlowRecord): string => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
  // The scan is in time order: compare as sorted sets of whole records.
  assert.deepEqual(got.map(key).sort(), recs.map((r) => ({ ...r, samplingRate: r.samplingRate >= 1 ? r.samplingRate : 1 })).map(key).sort());
});
