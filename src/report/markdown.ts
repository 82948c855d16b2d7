/**
 * The report as Markdown (GitHub/GitLab flavoured): GFM tables, maps as Mermaid code blocks, and
 * sparklines as block characters. Every text goes through the one Markdown escaper, every map label
 * through the Mermaid one (export/mermaid.ts).
 */
import { markdownText } from '../export/escape.js';
import { renderMermaid } from '../export/mermaid.js';
import { REPORT_TITLE, reportSections, type Block, type Cell, type Table } from './document.js';
import type { ReportData } from './types.js';

/** Mermaid's default maxEdges: GitHub and GitLab do not render bigger flowcharts. */
const MERMAID_MAX_EDGES = 500;

export function renderReportMarkdown(d: ReportData): string {
  const sections = reportSections(d);
  const o: string[] = [`# ${markdownText(REPORT_TITLE)}`, '', markdownText(d.window ? `${d.window.from} to ${d.window.to}` : 'no flows match the filters'), ''];
  // GitHub and GitLab anchor a heading at its lower-cased, hyphenated text (the titles are ours, plain words).
  o.push(...sections.map((s) => `- [${markdownText(s.title)}](#${s.title.toLowerCase().replace(/ /g, '-')})`), '');
  for (const s of sections) {
    o.push(`## ${markdownText(s.title)}`, '');
    for (const b of s.blocks) o.push(...block(b, 3));
  }
  return `${o.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function block(b: Block, level: number): string[] {
  switch (b.kind) {
    case 'p':
      return [markdownText(b.text), ''];
    case 'facts':
      return [...b.items.map(([k, v]) => `- **${markdownText(k)}:** ${markdownText(v)}`), ''];
    case 'table':
      return [...table(b.table), ''];
    case 'map': {
      const m = b.map;
      if (!m.graph) return [`*${markdownText(`${m.title}: not drawn: ${m.omitted ?? ''}`)}*`, ''];
      const note = m.graph.edges.length > MERMAID_MAX_EDGES ? [`*${markdownText(`${m.graph.edges.length} dependencies: over Mermaid's default limit of ${MERMAID_MAX_EDGES}; GitHub and GitLab may not draw it (the HTML report does).`)}*`, ''] : [];
      return [`**${markdownText(m.title)}**`, '', ...note, '```mermaid', renderMermaid(m.graph).trimEnd(), '```', ''];
    }
    case 'sub':
      return [`${'#'.repeat(level)} ${markdownText(b.title)}`, '', ...b.blocks.flatMap((x) => block(x, level + 1))];
  }
}

function table(t: Table): string[] {
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [row(t.columns.map((c) => markdownText(c.title))), row(t.columns.map((c) => (c.numeric ? '---:' : '---'))), ...t.rows.map((r) => row(r.map(cell)))];
}

function cell(c: Cell): string {
  if (typeof c === 'string') return markdownText(c);
  if ('spark' in c) return sparkText(c.spark);
  return markdownText(c.text);
}

const BARS = '\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588';
/** Most characters a text sparkline takes: longer series are summed into this many columns. */
const SPARK_CHARS = 40;

/** A sparkline in block characters (each column the sum of its share of the buckets). */
export function sparkText(values: readonly number[]): string {
  const cols = Math.min(SPARK_CHARS, values.length);
  if (cols === 0) return '';
  const sums = new Array<number>(cols).fill(0);
  values.forEach((v, i) => (sums[Math.floor((i * cols) / values.length)] += v));
  const max = Math.max(...sums);
  return sums.map((v) => BARS[max > 0 ? Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5)) : 0]).join('');
}
