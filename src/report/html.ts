/**
 * The report as one self-contained HTML file: inline CSS, inline SVG for the maps (the SVG export,
 * laid out by ELK) and sparklines, no script, and a Content-Security-Policy that forbids any request,
 * so it opens the same offline, in a mail client or printed to PDF (one section per page, readable
 * in black and white). Every text goes through the one XML/HTML escaper.
 */
import { xml } from '../export/escape.js';
import { produceExport } from '../export/produce.js';
import type { DepGraph } from '../graph/model.js';
import type { LayoutKind } from '../export/layout.js';
import { REPORT_TITLE, reportSections, type Block, type Cell, type Table } from './document.js';
import type { ReportData } from './types.js';

type DrawnMap = { graph: DepGraph; layout: LayoutKind };

const CSS = `
body{font:14px/1.45 Helvetica,Arial,sans-serif;color:#111;margin:2em auto;max-width:1100px;padding:0 1em}
h1{font-size:24px;margin:0 0 .2em}h2{font-size:20px;border-bottom:2px solid #111;padding-bottom:.2em;margin-top:1.6em}
h3{font-size:16px;margin:1.4em 0 .4em}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:12px}
th,td{border:1px solid #777;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#e8e8e8}td.n,th.n{text-align:right;white-space:nowrap}
tbody tr:nth-child(even){background:#f5f5f5}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dl.facts dt{font-weight:bold}dl.facts dd{margin:0;overflow-wrap:anywhere}
figure{margin:.6em 0}figure svg{max-width:100%;height:auto;border:1px solid #bbb}figcaption{font-size:12px;color:#333}
svg.spark{vertical-align:middle}nav ol{columns:2}.note{color:#333;font-style:italic}
@media print{body{margin:0;max-width:none}section{break-before:page}section#summary{break-before:auto}
h2,h3,figure,tr{break-inside:avoid}h3{break-after:avoid}a{color:inherit;text-decoration:none}}
`;

/** No script, no request of any kind: styles and images are inline, everything else is refused. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

export async function renderReportHtml(d: ReportData): Promise<string> {
  const sections = reportSections(d);
  const o: string[] = [];
  o.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">');
  o.push(`<meta http-equiv="Content-Security-Policy" content="${xml(CSP)}">`);
  o.push('<meta name="viewport" content="width=device-width, initial-scale=1">', `<title>${xml(REPORT_TITLE)}</title>`, `<style>${CSS}</style></head><body>`);
  o.push(`<header><h1>${xml(REPORT_TITLE)}</h1><p>${xml(d.window ? `${d.window.from} to ${d.window.to}` : 'no flows match the filters')}</p>`);
  o.push(`<nav><ol>${sections.map((s) => `<li><a href="#${s.id}">${xml(s.title)}</a></li>`).join('')}</ol></nav></header>`);
  let maps = 0;
  const mapSvg = async (m: DrawnMap): Promise<string> => inlineSvg(String(await produceExport('svg', m.graph, m.layout)), `m${++maps}-`);
  for (const s of sections) {
    o.push(`<section id="${s.id}"><h2>${xml(s.title)}</h2>`);
    for (const b of s.blocks) o.push(await block(b, 3, mapSvg));
    o.push('</section>');
  }
  o.push('</body></html>');
  return `${o.join('\n')}\n`;
}

async function block(b: Block, level: number, mapSvg: (m: DrawnMap) => Promise<string>): Promise<string> {
  switch (b.kind) {
    case 'p':
      return `<p>${xml(b.text)}</p>`;
    case 'facts':
      return `<dl class="facts">${b.items.map(([k, v]) => `<dt>${xml(k)}</dt><dd>${xml(v)}</dd>`).join('')}</dl>`;
    case 'table':
      return table(b.id, b.table);
    case 'map':
      if (!b.map.graph) return `<p class="note">${xml(`${b.map.title}: not drawn: ${b.map.omitted ?? ''}`)}</p>`;
      return `<figure class="map">${await mapSvg({ graph: b.map.graph, layout: b.map.layout })}<figcaption>${xml(b.map.title)}</figcaption></figure>`;
    case 'sub': {
      const inner: string[] = [];
      for (const x of b.blocks) inner.push(await block(x, level + 1, mapSvg));
      return `<div class="sub" id="${xml(b.id)}"><h${level}>${xml(b.title)}</h${level}>${inner.join('\n')}</div>`;
    }
  }
}

function table(id: string, t: Table): string {
  const head = t.columns.map((c) => `<th${c.numeric ? ' class="n"' : ''}>${xml(c.title)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  return `<table id="${xml(id)}"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function cell(c: Cell): string {
  if (typeof c === 'string') return `<td>${xml(c)}</td>`;
  if ('spark' in c) return `<td>${sparkline(c.spark, c.label)}</td>`;
  // The exact value rides along, so a reader (or a test) can check it against the --json answers.
  return `<td class="n" data-v="${c.value}">${xml(c.text)}</td>`;
}

const SPARK_W = 160;
const SPARK_H = 28;

/** A small line chart of the values, scaled to its own peak; dark enough to print in black and white. */
export function sparkline(values: readonly number[], label: string): string {
  const max = Math.max(1, ...values);
  const n = values.length;
  const x = (i: number): number => (n <= 1 ? SPARK_W / 2 : (i * SPARK_W) / (n - 1));
  const y = (v: number): number => SPARK_H - 2 - (v / max) * (SPARK_H - 4);
  const pts = values.map((v, i) => `${r(x(i))},${r(y(v))}`).join(' ');
  const area = `0,${SPARK_H} ${pts} ${r(x(n - 1))},${SPARK_H}`;
  return `<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="${SPARK_W}" height="${SPARK_H}" viewBox="0 0 ${SPARK_W} ${SPARK_H}" role="img" aria-label="${xml(label)}"><title>${xml(label)}</title><polygon points="${area}" fill="#d0d0d0"/><polyline points="${pts}" fill="none" stroke="#111" stroke-width="1.2"/></svg>`;
}

function r(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/**
 * The SVG export inside HTML: without its XML declaration, and with its ids (markers, groups, nodes)
 * prefixed so that several maps in one page do not share ids. Its text is already escaped (xml()),
 * so `id="` and `url(#` occur only where the renderer wrote them.
 */
export function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/^<\?xml[^>]*\?>\s*/, '')
    .replace(/ id="/g, ` id="${prefix}`)
    .replace(/url\(#/g, `url(#${prefix}`)
    .replace(/<svg /, '<svg class="map" role="img" ');
}
