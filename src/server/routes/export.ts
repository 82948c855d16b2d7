import type { Hono } from 'hono';
import { FORMATS, POSITIONED, type ExportFormat } from '../../export/formats.js';
import { MAX_QUICK_LAYOUT_EDGES } from '../../export/produce.js';
import { UsageError } from '../../util/errors.js';
import type { ApiDeps } from '../deps.js';
import { Query, choice } from '../query.js';
import { GRAPH_QUERY_PARAMS, graphFromQuery } from './graph.js';

/** File name extension (after `flowmap.`) and content type of each download. */
export const FORMAT_FILES: Record<ExportFormat, { ext: string; type: string }> = {
  'lucid-csv': { ext: 'lucid.csv', type: 'text/csv; charset=utf-8' },
  lucid: { ext: 'lucid', type: 'application/zip' },
  drawio: { ext: 'drawio', type: 'application/vnd.jgraph.mxfile' },
  'drawio-csv': { ext: 'drawio.csv', type: 'text/csv; charset=utf-8' },
  dot: { ext: 'dot', type: 'text/vnd.graphviz; charset=utf-8' },
  svg: { ext: 'svg', type: 'image/svg+xml' },
  mermaid: { ext: 'mmd', type: 'text/vnd.mermaid; charset=utf-8' },
  graphml: { ext: 'graphml', type: 'application/graphml+xml' },
  json: { ext: 'json', type: 'application/json' },
  csv: { ext: 'csv', type: 'text/csv; charset=utf-8' },
};

export const EXPORT_QUERY_PARAMS: readonly string[] = [...GRAPH_QUERY_PARAMS, 'layout'];

/** GET /api/v1/export/{format}: the map as a file download, drawn as `flowmap export` draws it. */
export function registerExport(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/export/:format', async (c) => {
    const format = c.req.param('format') as ExportFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`format: ${JSON.stringify(format)} is not one of ${FORMATS.join(', ')}`);
    const q = Query.parse(c.req.url, EXPORT_QUERY_PARAMS);
    // Maps of applications are drawn as blocks and a band by default (fast at any size); others by ELK.
    const layout = choice(q, 'layout', ['layered', 'force', 'clusters'] as const, q.one('clusters') === 'apps' ? 'clusters' : 'layered');
    const graph = await graphFromQuery(q, deps);
    const kept = graph.meta.totalEdges - graph.meta.cutEdges;
    if (POSITIONED.has(format) && layout === 'force' && kept > MAX_QUICK_LAYOUT_EDGES) {
      // The force layout takes minutes (and gigabytes) there; layered switches to the block layout.
      throw new UsageError(
        `layout=force takes minutes above ${MAX_QUICK_LAYOUT_EDGES} dependencies and this map has ${kept}: ` +
          `ask for layout=layered (drawn as blocks at this size), top=${MAX_QUICK_LAYOUT_EDGES} or fewer, or a format without layout (dot, lucid-csv, drawio-csv, json, csv)`,
      );
    }
    // On the export worker: a layout of seconds never holds up the other requests.
    const data = await deps.exports.run(format, graph, layout);
    const file = FORMAT_FILES[format];
    return c.body(typeof data === 'string' ? data : new Uint8Array(data), 200, {
      'Content-Type': file.type,
      'Content-Disposition': `attachment; filename="flowmap.${file.ext}"`,
    });
  });
}
