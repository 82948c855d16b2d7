/**
 * The web app: security first, then the JSON API under /api/v1, then the page's files. Every error
 * is JSON: 400 for bad parameters (the filter parser's message), 503 when the store cannot answer
 * (e.g. busy), 500 otherwise (logged on stderr, not sent).
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { FlowmapError, UsageError } from '../util/errors.js';
import type { ApiDeps } from './deps.js';
import { registerAgent } from './routes/agent.js';
import { registerAnalysis } from './routes/analysis.js';
import { registerDiff } from './routes/diff.js';
import { registerReport } from './routes/report.js';
import { registerEdge } from './routes/edge.js';
import { registerEvents } from './routes/events.js';
import { registerExport } from './routes/export.js';
import { registerExporters } from './routes/exporters.js';
import { registerGraph } from './routes/graph.js';
import { registerHosts } from './routes/hosts.js';
import { registerMeta } from './routes/meta.js';
import { registerOpenApi } from './routes/openapi.js';
import { registerTop } from './routes/top.js';
import { accessGuard, securityHeaders, type SecurityOptions } from './security.js';
import { staticHandler } from './static.js';

export interface AppOptions extends SecurityOptions {
  /** The built front end (dist/web). */
  webRoot: string;
}

export function createApp(deps: ApiDeps, opts: AppOptions): Hono {
  const app = new Hono();
  app.use('*', securityHeaders());
  app.use('*', accessGuard(opts));
  // JSON only: a 10,000-edge graph is 2.7 MB of it; the event stream must never wait in a compressor.
  app.use('/api/*', compress({ contentTypeFilter: /^application\/json/ }));
  app.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  registerMeta(app, deps);
  registerGraph(app, deps);
  registerTop(app, deps);
  registerHosts(app, deps);
  registerEdge(app, deps);
  registerExporters(app, deps);
  registerExport(app, deps);
  registerAnalysis(app, deps);
  registerDiff(app, deps);
  registerReport(app, deps);
  registerEvents(app, deps);
  registerAgent(app, deps, { token: opts.token !== undefined });
  registerOpenApi(app);
  app.all('/api/*', (c) => c.json({ error: `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname} (see /api/v1/openapi.json)` }, 404));
  const page = staticHandler(opts.webRoot);
  app.get('*', page);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof UsageError) return c.json({ error: err.message }, 400);
    if (err instanceof FlowmapError) return c.json({ error: err.message }, 503);
    process.stderr.write(`flowmap: serve: ${c.req.method} ${new URL(c.req.url).pathname}: ${process.env.FLOWMAP_DEBUG ? (err.stack ?? err.message) : err.message}\n`);
    return c.json({ error: 'internal error (logged by the server)' }, 500);
  });
  return app;
}
