import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupRules } from '../../graph/groups.js';
import { NameBook } from '../../names/names.js';
import type { EdgeRef, EdgeSeriesRow, Store } from '../../store/store.js';
import { dcRows } from '../../testing/dc-rows.js';
import { scopeOf } from '../scope.js';
import { NO_CONSTRAINTS } from './constraints.js';
import { planWaves } from './plan.js';
import { addCrossRates } from './rates.js';

const BUCKET_MS = 300_000;

test('addCrossRates: each wave needs the p95 and peak of its cross dependencies summed per bucket', async () => {
  const scope = scopeOf(dcRows(4), new NameBook(), new GroupRules(), { since: Date.parse('2026-01-15T10:00:00Z'), until: Date.parse('2026-01-15T11:39:59Z') });
  const plan = planWaves(scope, { waves: 4, maxHosts: null, shared: { mode: 'auto' }, constraints: NO_CONSTRAINTS });
  // Each dependency's bytes in one of three buckets (by its place in the query), so the waves' sums differ from any one edge.
  const placed = new Map<string, { bucket: number; bytes: number }>();
  const store = {
    async edgeSeries(_f: unknown, bucketMs: number, edges: readonly EdgeRef[]): Promise<EdgeSeriesRow[]> {
      assert.equal(bucketMs, BUCKET_MS);
      return edges.map((e, i) => {
        const bytes = 1000 * (i + 1);
        placed.set(`${e.client} ${e.server} ${e.port} ${e.proto}`, { bucket: i % 3, bytes });
        return { ...e, t: new Date(Date.parse('2026-01-15T10:00:00Z') + (i % 3) * BUCKET_MS).toISOString(), bytes_c2s: bytes, bytes_s2c: 0, packets_c2s: 1, packets_s2c: 0, records: 1 };
      });
    },
  } as unknown as Store;
  await addCrossRates(store, { subnets: [], excludes: [], hosts: [], clients: [], servers: [], ports: [], protos: [], exporters: [], interfaces: [], limit: 10 }, scope, plan, BUCKET_MS);
  assert.equal(plan.bucket_s, 300);
  let checked = 0;
  for (const w of plan.waves) {
    // 20 buckets of 5 minutes: the nearest rank ceil(0.95 * 20) = 19 is the second highest.
    const sums = new Array<number>(20).fill(0);
    for (const e of w.cross) {
      const p = placed.get(`${e.client} ${e.server} ${e.port} ${e.proto}`);
      assert.ok(p);
      sums[p.bucket] += p.bytes;
      assert.equal(e.p95_bps, 0, 'one busy bucket in 20 is above the p95');
    }
    const rates = sums.map((b) => (b * 8) / 300).sort((a, b) => a - b);
    assert.equal(w.cross_peak_bps, rates[19]);
    assert.equal(w.cross_p95_bps, rates[18]);
    if (w.cross.length > 1) checked++;
  }
  assert.ok(checked >= 2, 'waves with several cross dependencies');
  assert.ok(plan.waves.some((w) => (w.cross_p95_bps ?? 0) > 0), 'a wave whose cross traffic fills two buckets has a p95 above 0');
});
