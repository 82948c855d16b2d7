import type { Hono } from 'hono';
import { FORMATS } from '../../export/formats.js';
import type { MetaResponse } from '../../api/types.js';
import type { ApiDeps } from '../deps.js';
import { Query } from '../query.js';

/** GET /api/v1/meta: version, store, its extent, live collection, export formats, server clock. */
export function registerMeta(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/meta', async (c) => {
    Query.parse(c.req.url, []);
    const body: MetaResponse = {
      version: deps.version,
      store: deps.storeInfo,
      stats: await deps.store.stats(),
      live: deps.bus.info,
      formats: [...FORMATS],
      now: new Date(deps.now()).toISOString(),
    };
    return c.json(body);
  });
}
