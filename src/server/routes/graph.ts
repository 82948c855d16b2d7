import type { Hono } from 'hono';
import { parseGroupBy, parseTopEdges } from '../../graph/build.js';
import { loadGraph } from '../../graph/load.js';
import type { DepGraph } from '../../graph/model.js';
import type { GraphResponse } from '../../api/types.js';
import type { ApiDeps } from '../deps.js';
import { applicationClusters } from '../../analysis/clusters.js';
import { clusterGraph } from '../../analysis/maps.js';
import { analysisScope } from '../../analysis/run.js';
import { UsageError } from '../../util/errors.js';
import { FILTER_PARAMS, GRAPH_PARAMS, Query, apiWording, choice, filterFromQuery } from '../query.js';

/** Edges kept on the map unless `top` says otherwise (the page's view; `flowmap export` keeps 50). */
export const DEFAULT_GRAPH_TOP = 500;

/** The graph's parameters: the filter without limit (top does that job), plus groupBy, top, other. */
export const GRAPH_QUERY_PARAMS: readonly string[] = [...FILTER_PARAMS.filter((p) => p !== 'limit'), ...GRAPH_PARAMS];

/** The dependency graph as `flowmap export -f json` computes it, from the query's parameters. */
export async function graphFromQuery(q: Query, deps: ApiDeps): Promise<DepGraph> {
  const filter = filterFromQuery(q, deps.now());
  const groupBy = apiWording(() => parseGroupBy(q.one('groupBy') ?? 'host'));
  const topText = q.one('top');
  const top = topText === undefined ? DEFAULT_GRAPH_TOP : apiWording(() => parseTopEdges(topText));
  const other = choice(q, 'other', ['fold', 'drop'] as const, 'fold');
  const clusters = choice(q, 'clusters', ['none', 'apps'] as const, 'none');
  if (clusters === 'apps' && groupBy.kind !== 'host') throw new UsageError('clusters=apps draws hosts inside their applications: use it with groupBy=host');
  const graph = await loadGraph(deps.store, filter, deps.services, { groupBy, top, other, groups: deps.groups, configNames: deps.configNames });
  if (clusters === 'none') return graph;
  // Applications are found from all the traffic in scope, not only the edges above --min-bytes.
  const whole = { ...filter, minBytes: undefined };
  const scope = await analysisScope({ store: deps.store, filter: whole, services: deps.services, configNames: deps.configNames, groups: deps.groups });
  return clusterGraph(graph, applicationClusters(scope));
}

/** GET /api/v1/graph */
export function registerGraph(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/graph', async (c) => {
    const body: GraphResponse = await graphFromQuery(Query.parse(c.req.url, GRAPH_QUERY_PARAMS), deps);
    return c.json(body);
  });
}
