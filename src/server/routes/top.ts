import type { Hono } from 'hono';
import { runTop, runTopProcesses } from '../../query/top.js';
import type { TopKind } from '../../store/store.js';
import type { ApiDeps } from '../deps.js';
import { FILTER_PARAMS, Query, apiWording, filterFromQuery } from '../query.js';
import { checkBucketWidth } from '../../analysis/buckets.js';
import { topPer } from '../../analysis/top-per.js';
import type { TopPerResponse, TopProcessesResponse } from '../../api/types.js';
import { parseDuration } from '../../util/duration.js';

/** top/edges, top/talkers, top/services also take `per` (the top N of every interval). */
export const TOP_PER_PARAMS: readonly string[] = [...FILTER_PARAMS, 'per'];

export const TOP_KINDS: readonly TopKind[] = ['edges', 'talkers', 'services', 'flows', 'interfaces'];

/** GET /api/v1/top/{edges|talkers|services|flows|interfaces|processes}: the rows of `flowmap top --by KIND --json`. */
export function registerTop(app: Hono, deps: ApiDeps): void {
  for (const kind of TOP_KINDS) {
    const perKind = kind === 'flows' ? null : kind;
    app.get(`/api/v1/top/${kind}`, async (c) => {
      const q = Query.parse(c.req.url, perKind ? TOP_PER_PARAMS : FILTER_PARAMS);
      const filter = filterFromQuery(q, deps.now());
      const per = q.one('per');
      if (perKind && per !== undefined) {
        const bucketMs = apiWording(() => parseDuration(per, '--per'));
        apiWording(() => checkBucketWidth(bucketMs, '--per'));
        const body: TopPerResponse = { rows: await apiWording(() => topPer(deps.store, perKind, filter, bucketMs, deps.services, deps.interfaceName)) };
        return c.json(body);
      }
      return c.json({ rows: await runTop(deps.store, kind, filter, deps.services, deps.interfaceName) });
    });
  }
  app.get('/api/v1/top/processes', async (c) => {
    const filter = filterFromQuery(Query.parse(c.req.url, FILTER_PARAMS), deps.now());
    const body: TopProcessesResponse = { rows: await runTopProcesses(deps.store, filter, deps.services) };
    return c.json(body);
  });
}
