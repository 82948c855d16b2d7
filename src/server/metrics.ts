/**
 * The Prometheus side of `flowmap serve`: HTTP requests counted by route pattern (bounded
 * cardinality: `/api/v1/hosts/:address`, never the raw URL) and status, and GET /metrics, which sits
 * behind the access guard like every other route. The collectors' metrics share the registry.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, type Registry } from 'prom-client';
import { CollectMetrics, newRegistry } from '../pipeline/metrics.js';

export class ServerMetrics {
  readonly collect: CollectMetrics;
  private readonly requests: Counter<'method' | 'route' | 'status'>;

  constructor(readonly registry: Registry = newRegistry()) {
    this.collect = new CollectMetrics(registry);
    this.requests = new Counter({
      name: 'flowmap_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
  }

  /** Counts each answer under the pattern of the route that gave it (`*` for the guard and the page). */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      await next();
      // After next(), the route index is the last handler that ran: the one that answered.
      this.requests.inc({ method: c.req.method, route: routePath(c), status: String(c.res.status) });
    };
  }
}

/** Prometheus's text format (or OpenMetrics when asked for), never compressed or cached. */
export function registerMetrics(app: Hono, metrics: ServerMetrics): void {
  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
  });
}
