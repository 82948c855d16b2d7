import type { Hono } from 'hono';
import { openApiDocument } from '../openapi.js';
import { Query } from '../query.js';

/** GET /api/v1/openapi.json */
export function registerOpenApi(app: Hono): void {
  app.get('/api/v1/openapi.json', (c) => {
    Query.parse(c.req.url, []);
    return c.json(openApiDocument());
  });
}
