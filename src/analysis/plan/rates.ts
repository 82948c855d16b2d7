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
 * Fill in p95_bps of every cross dependency and the plan's bucket_s. `bucketMs` null: 5 minutes (the
 * usual billing sample), widened when the window would need more buckets than allowed.
 */
export async function addCrossRates(store: Store, filter: FlowFilter, scope: Scope, plan: PlanResult, bucketMs: number | null): Promise<void> {
  if (!scope.window) return;
  const { fromMs, toMs } = scope.window;
  const w = bucketWindow(fromMs, toMs, bucketMs ?? chooseBucket(fromMs, toMs));
  plan.bucket_s = w.bucketMs / 1000;
  const edges = new Map<string, EdgeRef>();
  for (const wave of plan.waves) for (const e of wave.cross) edges.set(keyOf(e), { client: e.client, server: e.server, port: e.port, proto: e.proto });
  if (edges.size === 0) return;
  // edgeSeries ignores minBytes and limit: every listed dependency's traffic counts.
  const byEdge = groupBy(await store.edgeSeries(filter, w.bucketMs, [...edges.values()]), keyOf);
  const rate = new Map<string, number>();
  for (const [k] of edges) rate.set(k, rateStats(fillBuckets(w, byEdge.get(k) ?? []).bytes, w.bucketMs).p95);
  for (const wave of plan.waves) for (const e of wave.cross) e.p95_bps = rate.get(keyOf(e)) ?? 0;
}
