import type { Hono } from 'hono';
import type { ExportersResponse } from '../../api/types.js';
import type { ApiDeps } from '../deps.js';
import { Query } from '../query.js';

/** GET /api/v1/exporters: `flowmap exporters --json`. */
export function registerExporters(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/exporters', async (c) => {
    Query.parse(c.req.url, []);
    const body: ExportersResponse = { rows: await deps.store.exporterHealth() };
    return c.json(body);
  });
}
