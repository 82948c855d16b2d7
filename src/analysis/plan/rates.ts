/**
 * The 95th-percentile rate of each cross-wave dependency, so the user can size the link between old
 * and new site while a wave is in flight. One grouped store query per chunk of dependencies
 * (Store.edgeSeries), the window's empty buckets counted as zero, and the one p95 (percentile.ts, through rateStats).
 */
import type { FlowFilter } from '../../filter/filter.js';
import type { EdgeRef, Store } from '../../store/store.js';
import { groupBy } from '../../util/group.js';
import { bucketWindow, chooseBucket, fillBuckets, rateStats } from '../buckets.js';
import type { Scope } from '../scope.js';
import type { PlanResult } from './plan.js';

const keyOf = (e: EdgeRef): string => `${e.client}\u0001${e.server}\u0001${e.port}\u0001${e.proto}`;

/**
 * Fill in p95_bps of every cross dependency, each wave's link (p95 and peak of its cross traffic summed
 * per bucket) and the plan's bucket_s. `bucketMs` null: 5 minutes (the
 * usual billing sample), widened when the window would need more buckets than allowed.
 */
export async function addCrossRates(store: Store, filter: FlowFilter, scope: Scope, plan: PlanResult, bucketMs: number | null): Promise<void> {
  if (!scope.window) return;
  const { fromMs, toMs } = scope.window;
  const w = bucketWindow(fromMs, toMs, bucketMs ?? chooseBucket(fromMs, toMs));
  plan.bucket_s = w.bucketMs / 1000;
  // Each dependency once (it may cross for two waves), with the waves whose link carries it.
  const edges = new Map<string, { ref: EdgeRef; waves: number[] }>();
  for (const wave of plan.waves) {
    for (const e of wave.cross) {
      const k = keyOf(e);
      const at = edges.get(k) ?? { ref: { client: e.client, server: e.server, port: e.port, proto: e.proto }, waves: [] };
      at.waves.push(wave.wave);
      edges.set(k, at);
    }
  }
  // edgeSeries ignores minBytes and limit: every listed dependency's traffic counts.
  const rows = edges.size ? await store.edgeSeries(filter, w.bucketMs, [...edges.values()].map((x) => x.ref)) : [];
  const byEdge = groupBy(rows, keyOf);
  const rate = new Map<string, number>();
  // A wave's link carries all its cross dependencies at once: their sum per bucket, then the one p95.
  const totals = new Map(plan.waves.map((x) => [x.wave, new Float64Array(w.count)]));
  for (const [k, { waves }] of edges) {
    const b = fillBuckets(w, byEdge.get(k) ?? []).bytes;
    rate.set(k, rateStats(b, w.bucketMs).p95);
    for (const n of waves) {
      const t = totals.get(n) as Float64Array;
      for (let i = 0; i < w.count; i++) t[i] += b[i];
    }
  }
  for (const wave of plan.waves) {
    for (const e of wave.cross) e.p95_bps = rate.get(keyOf(e)) ?? 0;
    const stats = rateStats(totals.get(wave.wave) as Float64Array, w.bucketMs);
    wave.cross_p95_bps = stats.p95;
    wave.cross_peak_bps = stats.peak;
  }
}
