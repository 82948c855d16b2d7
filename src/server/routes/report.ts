/**
 * GET /api/v1/report: `flowmap report` as a download, the same options as parameters (format, the
 * plan's, the drift windows and the filter), gathered and rendered by the same code (src/report/).
 */
import type { Hono } from 'hono';
import { parseBucket } from '../../analysis/options.js';
import { gatherReport } from '../../report/gather.js';
import { checkReportOptions } from '../../report/options.js';
import { renderReportHtml } from '../../report/html.js';
import { renderReportMarkdown } from '../../report/markdown.js';
import type { ApiDeps } from '../deps.js';
import { FILTER_PARAMS, Query, apiWording, choice, filterFromQuery } from '../query.js';
import { input, planQueryFromParams } from './analysis.js';
import { diffQueryFromParams } from './diff.js';

/** The plan parameters that constrain a plan, and the CLI options they stand for. */
const CONSTRAINTS: Record<string, string> = { maxHosts: '--max-hosts', pin: '--pin', together: '--together', apart: '--apart' };
const PLAN_PARAMS = ['waves', ...Object.keys(CONSTRAINTS), 'shared', 'bucket'];
export const REPORT_QUERY_PARAMS: readonly string[] = [...FILTER_PARAMS, 'format', ...PLAN_PARAMS, 'before', 'after', 'threshold'];

export const REPORT_FILES = {
  html: { ext: 'html', type: 'text/html; charset=utf-8' },
  md: { ext: 'md', type: 'text/markdown; charset=utf-8' },
} as const;

export function registerReport(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/report', async (c) => {
    const q = Query.parse(c.req.url, REPORT_QUERY_PARAMS);
    const format = choice(q, 'format', ['html', 'md'] as const, 'html');
    const now = deps.now();
    const waves = q.has('waves');
    const given = Object.entries(CONSTRAINTS).filter(([p]) => q.has(p)).map(([, option]) => option);
    apiWording(() => checkReportOptions({ waves, given, before: q.has('before'), after: q.has('after') }));
    const plan = waves ? planQueryFromParams(q) : null;
    const bucketMs = apiWording(() => parseBucket(q.one('bucket')));
    const diff = q.one('before') === undefined ? null : diffQueryFromParams(q, now);
    const filter = filterFromQuery(q, now);
    const data = await apiWording(() => gatherReport(input(deps, filter), { plan, bucketMs, diff, interfaceName: deps.interfaceName, store: deps.storeInfo, nowMs: now }));
    const body = format === 'md' ? renderReportMarkdown(data) : await renderReportHtml(data);
    const file = REPORT_FILES[format];
    return c.body(body, 200, { 'Content-Type': file.type, 'Content-Disposition': `attachment; filename="flowmap-report.${file.ext}"` });
  });
}
