/**
 * GET /api/v1/diff: `flowmap diff --json`, the same options as parameters (before, after, threshold
 * and the filter), computed by the same function (src/analysis/run.ts).
 */
import type { Hono } from 'hono';
import { parseThreshold, parseWindow } from '../../analysis/diff-options.js';
import { runDiff, type DiffQuery } from '../../analysis/run.js';
import type { DiffResponse } from '../../api/types.js';
import type { ApiDeps } from '../deps.js';
import { FILTER_PARAMS, Query, apiWording, filterFromQuery } from '../query.js';
import { input } from './analysis.js';

/** The windows replace since/until, and every dependency is compared (no limit). */
export const DIFF_QUERY_PARAMS: readonly string[] = [...FILTER_PARAMS.filter((p) => !['since', 'until', 'limit'].includes(p)), 'before', 'after', 'threshold'];

/** The windows and threshold (before and after required), as the CLI's diff options. */
export function diffQueryFromParams(q: Query, now: number): DiffQuery {
  return apiWording(() => ({
    before: parseWindow(q.one('before'), now, '--before'),
    after: parseWindow(q.one('after'), now, '--after'),
    threshold: parseThreshold(q.one('threshold')),
  }));
}

export function registerDiff(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/diff', async (c) => {
    const q = Query.parse(c.req.url, DIFF_QUERY_PARAMS);
    const now = deps.now();
    const query = diffQueryFromParams(q, now);
    const body: DiffResponse = await runDiff(input(deps, filterFromQuery(q, now)), query);
    return c.json(body);
  });
}
