/**
 * The analyses from a store, as the CLI, the web API and the report call them: load the scope through
 * the one filter model, then compute. One function per answer, so every front end prints the same.
 */
import type { FlowFilter } from '../filter/filter.js';
import type { GroupRules } from '../graph/groups.js';
import type { NameRow } from '../names/names.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { Store } from '../store/store.js';
import { criticalHosts, type CriticalHost } from './critical.js';
import { dependencies, type DepsDirection, type DepsResult } from './deps.js';
import { diffScopes, type DiffResult, type TimeWindow } from './diff.js';
import { addCrossRates } from './plan/rates.js';
import { planWaves, type PlanOptions, type PlanResult } from './plan/plan.js';
import { loadScope, type Scope } from './scope.js';
import { resolveTarget } from './target.js';

export interface AnalysisInput {
  store: Store;
  filter: FlowFilter;
  services: ServiceRegistry;
  configNames: readonly NameRow[];
  groups: GroupRules;
}

export interface DepsQuery {
  target: string;
  direction: DepsDirection;
  depth: number | null;
}

export interface PlanQuery extends PlanOptions {
  /** Width of the p95 buckets; null lets flowmap choose (5 minutes unless the window is too long). */
  bucketMs: number | null;
}

export async function analysisScope(input: AnalysisInput): Promise<Scope> {
  return loadScope(input.store, input.filter, input.services, { configNames: input.configNames, groups: input.groups });
}

export async function runDeps(input: AnalysisInput, q: DepsQuery): Promise<{ scope: Scope; result: DepsResult }> {
  const scope = await analysisScope(input);
  return { scope, result: dependencies(scope, resolveTarget(scope, q.target), q.direction, q.depth) };
}

export async function runCritical(input: AnalysisInput, limit: number): Promise<CriticalHost[]> {
  return criticalHosts(await analysisScope(input), limit);
}

export async function runPlan(input: AnalysisInput, q: PlanQuery): Promise<{ scope: Scope; result: PlanResult }> {
  const scope = await analysisScope(input);
  return { scope, result: await planOfScope(input, scope, q) };
}

/** The plan of a scope already loaded (the report loads it once for every section), with its rates. */
export async function planOfScope(input: AnalysisInput, scope: Scope, q: PlanQuery): Promise<PlanResult> {
  const result = planWaves(scope, q);
  await addCrossRates(input.store, input.filter, scope, result, q.bucketMs);
  return result;
}

export interface DiffQuery {
  before: TimeWindow;
  after: TimeWindow;
  threshold: number;
}

/** Each window's scope under the same filter (its own since/until), then the pure diff. */
export async function runDiff(input: AnalysisInput, q: DiffQuery): Promise<DiffResult> {
  // --min-bytes applies to the pair of windows (diffScopes), not to each window's rows.
  const { minBytes, ...filter } = input.filter;
  const before = await analysisScope({ ...input, filter: { ...filter, since: q.before.fromMs, until: q.before.toMs } });
  const after = await analysisScope({ ...input, filter: { ...filter, since: q.after.fromMs, until: q.after.toMs } });
  return diffScopes(before, after, { ...q, minBytes });
}
