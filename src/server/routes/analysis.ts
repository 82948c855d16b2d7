/**
 * GET /api/v1/deps, /api/v1/deps/critical and /api/v1/plan: the CLI's deps and plan, same options
 * as parameters (camelCase), same JSON, computed by the same functions (src/analysis/run.ts).
 */
import type { Hono } from 'hono';
import { parseBucket, parseConstraints, parseDepth, parseDirection, parseMaxHosts, parseShared, parseWaves } from '../../analysis/options.js';
import { runCritical, runDeps, runPlan, type AnalysisInput, type PlanQuery } from '../../analysis/run.js';
import { SERIES_BY, timeseries } from '../../analysis/timeseries.js';
import type { CriticalResponse, DepsResponse, PlanResponse, TimeseriesResponse } from '../../api/types.js';
import type { FlowFilter } from '../../filter/filter.js';
import { UsageError } from '../../util/errors.js';
import type { ApiDeps } from '../deps.js';
import { FILTER_PARAMS, Query, apiWording, choice, filterFromQuery } from '../query.js';

const SCOPE_PARAMS = FILTER_PARAMS.filter((p) => p !== 'limit');
export const DEPS_QUERY_PARAMS: readonly string[] = [...SCOPE_PARAMS, 'target', 'direction', 'depth'];
export const CRITICAL_QUERY_PARAMS: readonly string[] = [...FILTER_PARAMS];
export const TIMESERIES_QUERY_PARAMS: readonly string[] = [...FILTER_PARAMS, 'by', 'bucket'];
export const PLAN_QUERY_PARAMS: readonly string[] = [...SCOPE_PARAMS, 'waves', 'maxHosts', 'pin', 'together', 'apart', 'shared', 'bucket'];

/** What every analysis takes: the store and the config's services, names and groups, with this filter. */
export function input(deps: ApiDeps, filter: FlowFilter): AnalysisInput {
  return { store: deps.store, filter, services: deps.services, configNames: deps.configNames, groups: deps.groups };
}

/** The plan's parameters (waves required), as the CLI's plan options (UsageError worded for the API). */
export function planQueryFromParams(q: Query): PlanQuery {
  return apiWording(() => {
    const waves = parseWaves(q.one('waves'));
    return {
      waves,
      maxHosts: parseMaxHosts(q.one('maxHosts')),
      constraints: parseConstraints(waves, { pin: q.list('pin'), together: q.list('together'), apart: q.list('apart') }),
      shared: parseShared(q.one('shared')),
      bucketMs: parseBucket(q.one('bucket')),
    };
  });
}

export function registerAnalysis(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/deps', async (c) => {
    const q = Query.parse(c.req.url, DEPS_QUERY_PARAMS);
    const target = q.one('target');
    if (target === undefined) throw new UsageError('target: required (an address, CIDR, host name or config group)');
    const direction = apiWording(() => parseDirection(q.one('direction')));
    const depth = apiWording(() => parseDepth(q.one('depth')));
    const filter = filterFromQuery(q, deps.now());
    const { result } = await apiWording(() => runDeps(input(deps, filter), { target, direction, depth }));
    const body: DepsResponse = result;
    return c.json(body);
  });

  app.get('/api/v1/deps/critical', async (c) => {
    const filter = filterFromQuery(Query.parse(c.req.url, CRITICAL_QUERY_PARAMS), deps.now());
    const body: CriticalResponse = { rows: await runCritical(input(deps, filter), filter.limit) };
    return c.json(body);
  });

  app.get('/api/v1/plan', async (c) => {
    const q = Query.parse(c.req.url, PLAN_QUERY_PARAMS);
    const query = planQueryFromParams(q);
    const filter = filterFromQuery(q, deps.now());
    const { result } = await apiWording(() => runPlan(input(deps, filter), query));
    const body: PlanResponse = result;
    return c.json(body);
  });

  app.get('/api/v1/timeseries', async (c) => {
    const q = Query.parse(c.req.url, TIMESERIES_QUERY_PARAMS);
    const by = choice(q, 'by', SERIES_BY, 'edges');
    const bucketMs = apiWording(() => parseBucket(q.one('bucket')));
    const filter = filterFromQuery(q, deps.now());
    const body: TimeseriesResponse = { rows: await apiWording(() => timeseries(deps.store, by, filter, bucketMs, deps.services, deps.interfaceName)) };
    return c.json(body);
  });
}
