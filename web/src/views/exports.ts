/** Export links: every format `flowmap export` writes, for the map's current filters. */
import { h } from '../dom.js';

const TITLES: Record<string, string> = {
  lucid: 'Lucid Standard Import (.lucid)',
  'lucid-csv': 'Lucid CSV import',
  drawio: 'draw.io diagram',
  'drawio-csv': 'draw.io CSV import',
  svg: 'SVG picture',
  dot: 'Graphviz DOT',
  mermaid: 'Mermaid flowchart',
  graphml: 'GraphML (yEd, Gephi)',
  json: 'graph model (JSON)',
  csv: 'edge list (CSV)',
};

export function renderExportLinks(into: HTMLElement, formats: readonly string[], params: URLSearchParams): void {
  into.replaceChildren(
    ...formats.map((f) =>
      h('a', { class: 'button', href: `/api/v1/export/${encodeURIComponent(f)}?${params.toString()}`, download: '', 'data-format': f, title: TITLES[f] ?? f }, f),
    ),
  );
}

/** The report for these parameters (the page's filter, and a plan's when one is asked for). */
export function reportHref(params: URLSearchParams): string {
  const q = params.toString();
  return `/api/v1/report${q ? `?${q}` : ''}`;
}
