/**
 * Everything a report says, from the store through the one filter model, by the same functions the
 * CLI and the API call (run.ts, timeseries, top, top --per, diff): the report's numbers are those of
 * `plan`, `top` and `timeseries`. The scope is loaded once and shared by the inventory, the critical
 * hosts, the plan and the maps.
 */
import { chooseBucket } from '../analysis/buckets.js';
import { applicationClusters, type Clusters } from '../analysis/clusters.js';
import { criticalHosts } from '../analysis/critical.js';
import { clusterGraph, planGraph } from '../analysis/maps.js';
import { analysisScope, planOfScope, runDiff, type AnalysisInput, type DiffQuery, type PlanQuery } from '../analysis/run.js';
import type { Scope } from '../analysis/scope.js';
import { timeseries } from '../analysis/timeseries.js';
import { topPer } from '../analysis/top-per.js';
import type { EdgeSeries, InterfaceSeries, PlanResult, ServiceSeries, TotalSeries } from '../analysis/types.js';
import type { LayoutKind } from '../export/layout.js';
import { MAX_QUICK_LAYOUT_EDGES } from '../export/produce.js';
import type { FlowFilter } from '../filter/filter.js';
import { MAX_LIMIT } from '../filter/parse.js';
import { buildGraph } from '../graph/build.js';
import type { DepGraph } from '../graph/model.js';
import { runTop, type InterfaceNamer } from '../query/top.js';
import { protoName } from '../util/protocols.js';
import type { InventoryHost, ReportCongestion, ReportData, ReportMap } from './types.js';

export type { ReportData } from './types.js';

export interface ReportQuery {
  /** The plan (`--waves N` and the plan options); null: no waves section. */
  plan: PlanQuery | null;
  /** Width of every p95's buckets; null: the plan's rule (5 minutes unless the window is too long). */
  bucketMs: number | null;
  /** `--before/--after`; null: no drift section. */
  diff: DiffQuery | null;
  interfaceName: InterfaceNamer;
  store: { backend: string; display: string };
  nowMs: number;
}

/** Most dependencies a report map lays out (ELK takes about 20 s for 3,000). */
export const REPORT_MAP_EDGES = MAX_QUICK_LAYOUT_EDGES;

export async function gatherReport(input: AnalysisInput, q: ReportQuery): Promise<ReportData> {
  const { store, filter, services } = input;
  const scope = await analysisScope(input);
  const bucketMs = q.bucketMs ?? (scope.window ? chooseBucket(scope.window.fromMs, scope.window.toMs) : null);
  // No host passes the filters: a report that says so, not a refused plan.
  const plan = q.plan && scope.hosts.size > 0 ? await planOfScope(input, scope, { ...q.plan, bucketMs }) : null;
  // Every server's services come with its blast radius; the critical list is the first --limit of them.
  const served = criticalHosts(scope, Number.MAX_SAFE_INTEGER);
  const talkers = await runTop(store, 'talkers', { ...filter, minBytes: undefined, limit: MAX_LIMIT }, services);
  const [stats, list, exporters, congestion, diff] = [await store.stats(), await store.sources(), await store.exporterHealth(), await gatherCongestion(input, bucketMs, q.interfaceName), q.diff ? await runDiff(input, q.diff) : null];
  // The overview leaves the shared services' dependencies out (they reach every application and would
  // hide the waves); each wave's map and the shared-services table show them.
  const clusters = plan ? null : applicationClusters(scope);
  const sharedHosts = new Set(plan ? plan.shared.map((x) => x.address) : clusters?.shared);
  const apart = { ...scope, rows: scope.rows.filter((r) => !sharedHosts.has(r.client) && !sharedHosts.has(r.server)) };
  const mapGraph = plan ? planGraph(apart, plan, input.groups) : clusterGraph(hostMap(apart, input), clusters as Clusters);
  return {
    generated_at: new Date(q.nowMs).toISOString(),
    store: q.store,
    filters: filterOptions(filter),
    window: scope.window ? { from: new Date(scope.window.fromMs).toISOString(), to: new Date(scope.window.toMs).toISOString() } : null,
    bucket_s: bucketMs === null ? null : bucketMs / 1000,
    sources: { records: stats.records, first_seen: stats.firstSeen, last_seen: stats.lastSeen, list, exporters },
    totals: {
      hosts: scope.hosts.size,
      dependencies: scope.rows.length,
      bytes: sum(scope.rows, (r) => r.bytes),
      packets: sum(scope.rows, (r) => r.packets),
      connections: sum(scope.rows, (r) => r.connections),
    },
    inventory: inventory(scope, plan, served, talkers),
    map: { ...reportMap(plan ? 'Dependency map by wave' : 'Dependency map by application', mapGraph, 'clusters'), left_out: scope.rows.length - apart.rows.length },
    critical: served.slice(0, filter.limit),
    plan,
    waveMaps: plan ? plan.waves.map((w) => reportMap(`Wave ${w.wave}`, waveGraph(scope, plan, w.wave, input), 'clusters')) : [],
    congestion,
    diff,
  };
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  let s = 0;
  for (const x of xs) s += f(x);
  return s;
}

function hostMap(scope: Scope, input: AnalysisInput): DepGraph {
  return buildGraph(scope.rows, { groupBy: { kind: 'host' }, top: 0, other: 'drop', names: scope.names, groups: input.groups });
}

function reportMap(title: string, graph: DepGraph, layout: LayoutKind): ReportMap {
  if (graph.edges.length > REPORT_MAP_EDGES) {
    return { title, layout, graph: null, omitted: `${graph.edges.length.toLocaleString('en')} dependencies are more than a report lays out (${REPORT_MAP_EDGES.toLocaleString('en')}); narrow the filters, or draw it with flowmap export --top` };
  }
  return { title, layout, graph, omitted: null };
}

/** A wave's map: its hosts, and the hosts of other waves and shared services it talks with, each in their container. */
function waveGraph(scope: Scope, plan: PlanResult, wave: number, input: AnalysisInput): DepGraph {
  const mine = new Set(plan.waves[wave - 1].hosts.map((h) => h.address));
  const rows = scope.rows.filter((r) => mine.has(r.client) || mine.has(r.server));
  return planGraph({ ...scope, rows }, plan, input.groups);
}

function inventory(scope: Scope, plan: PlanResult | null, served: ReturnType<typeof criticalHosts>, talkers: Awaited<ReturnType<typeof runTop<'talkers'>>>): InventoryHost[] {
  const servicesOf = new Map(served.map((c) => [c.address, c.services]));
  const traffic = new Map(talkers.map((t) => [t.host, t]));
  const waveOf = new Map<string, number | 'shared'>();
  for (const w of plan?.waves ?? []) for (const h of w.hosts) waveOf.set(h.address, w.wave);
  for (const s of plan?.shared ?? []) waveOf.set(s.address, 'shared');
  const hosts = [...scope.hosts.values()].map((h): InventoryHost => {
    const t = traffic.get(h.address);
    return { ...h, services: servicesOf.get(h.address) ?? [], bytes_sent: t?.bytes_sent ?? 0, bytes_received: t?.bytes_received ?? 0, peers: t?.peers ?? 0, wave: waveOf.get(h.address) ?? null };
  });
  return hosts.sort((a, b) => b.bytes_sent + b.bytes_received - (a.bytes_sent + a.bytes_received) || (a.address < b.address ? -1 : 1));
}

async function gatherCongestion(input: AnalysisInput, bucketMs: number | null, interfaceName: InterfaceNamer): Promise<ReportCongestion> {
  const { store, filter, services } = input;
  const byP95 = <T extends { p95_bps: number }>(rows: T[]): T[] => [...rows].sort((a, b) => b.p95_bps - a.p95_bps);
  const edges = byP95((await timeseries(store, 'edges', filter, bucketMs, services)) as EdgeSeries[]);
  const svc = byP95((await timeseries(store, 'services', filter, bucketMs, services)) as ServiceSeries[]);
  const ifs = byP95((await timeseries(store, 'interfaces', filter, bucketMs, services, interfaceName)) as InterfaceSeries[]);
  const total = ((await timeseries(store, 'total', filter, bucketMs, services)) as TotalSeries[])[0] ?? null;
  let busiest: ReportCongestion['busiest'] = null;
  if (total && total.buckets.length) {
    const top = total.buckets.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const rows = await topPer(store, 'talkers', filter, total.bucket_s * 1000, services);
    busiest = { t: top.t, bytes: top.bytes, talkers: rows.filter((r) => Date.parse(r.t) === Date.parse(top.t)) };
  }
  return { edges, services: svc, interfaces: ifs, total, busiest };
}

/** The filter as the options that give it, so a reader can run the same commands. */
export function filterOptions(f: FlowFilter): string[] {
  const o: string[] = [];
  const ranges = (opt: string, rs: ReadonlyArray<{ text: string }>) => rs.forEach((r) => o.push(`${opt} ${r.text}`));
  ranges('--subnet', f.subnets);
  ranges('--exclude', f.excludes);
  ranges('--host', f.hosts);
  ranges('--client', f.clients);
  ranges('--server', f.servers);
  if (f.ports.length) o.push(`--port ${f.ports.join(',')}`);
  for (const p of f.protos) o.push(`--proto ${protoName(p)}`);
  for (const e of f.exporters) o.push(`--exporter ${e}`);
  for (const i of f.interfaces) o.push(`--interface ${i}`);
  if (f.since !== undefined) o.push(`--since ${new Date(f.since).toISOString()}`);
  if (f.until !== undefined) o.push(`--until ${new Date(f.until).toISOString()}`);
  if (f.minBytes !== undefined) o.push(`--min-bytes ${f.minBytes}`);
  o.push(`--limit ${f.limit}`);
  return o;
}
