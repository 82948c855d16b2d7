import type { Hono } from 'hono';
import { runTop } from '../../query/top.js';
import type { TopKind } from '../../store/store.js';
import type { ApiDeps } from '../deps.js';
import { FILTER_PARAMS, Query, filterFromQuery } from '../query.js';

export const TOP_KINDS: readonly TopKind[] = ['edges', 'talkers', 'services', 'flows', 'interfaces'];

/** GET /api/v1/top/{edges|talkers|services|flows|interfaces}: the rows of `flowmap top --by KIND --json`. */
export function registerTop(app: Hono, deps: ApiDeps): void {
  for (const kind of TOP_KINDS) {
    app.get(`/api/v1/top/${kind}`, async (c) => {
      const filter = filterFromQuery(Query.parse(c.req.url, FILTER_PARAMS), deps.now());
      return c.json({ rows: await runTop(deps.store, kind, filter, deps.services, deps.interfaceName) });
    });
  }
}
