/** Every export format: graph (and, for positioned formats, its layout) in, text or bytes out. */
import type { Layout } from './layout.js';
import type { DepGraph } from '../graph/model.js';

export const FORMATS = ['lucid-csv', 'lucid', 'drawio', 'drawio-csv', 'dot', 'svg', 'mermaid', 'graphml', 'json', 'csv'] as const;
export type ExportFormat = (typeof FORMATS)[number];

/** Formats that carry positions: the ELK layout is computed once and handed to them. */
export const POSITIONED: ReadonlySet<ExportFormat> = new Set(['lucid', 'drawio', 'svg', 'graphml']);
/** Formats whose output is binary (never written to a terminal). */
export const BINARY: ReadonlySet<ExportFormat> = new Set(['lucid']);

export async function render(format: ExportFormat, g: DepGraph, layout: Layout | null): Promise<string | Uint8Array> {
  const need = (): Layout => {
    if (!layout) throw new Error(`${format} needs a layout`);
    return layout;
  };
  switch (format) {
    case 'json':
      return (await import('./json.js')).renderJson(g);
    case 'csv':
      return (await import('./csv.js')).renderCsv(g);
    case 'dot':
      return (await import('./dot.js')).renderDot(g);
    case 'mermaid':
      return (await import('./mermaid.js')).renderMermaid(g);
    case 'graphml':
      return (await import('./graphml.js')).renderGraphml(g, layout);
    case 'lucid-csv':
      return (await import('./lucid-csv.js')).renderLucidCsv(g);
    case 'drawio-csv':
      return (await import('./drawio-csv.js')).renderDrawioCsv(g);
    case 'svg':
      return (await import('./svg.js')).renderSvg(g, need());
    case 'drawio':
      return (await import('./drawio.js')).renderDrawio(g, need());
    case 'lucid':
      return (await import('./lucid.js')).renderLucid(g, need());
  }
}
