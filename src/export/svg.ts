/** A standalone SVG drawn from the graph and its ELK layout (no Graphviz needed). */
import type { Layout } from './layout.js';
import { EDGE_FONT, GROUP_FONT, NODE_FONT, OTHER_TAG, textWidth } from './layout.js';
import type { DepGraph, GraphNode } from '../graph/model.js';
import { xml } from './escape.js';
import { edgeLines, edgeWidth, GREY, legendText, nodeLines, serviceColors } from './labels.js';

const LEGEND_H = 48;

export function renderSvg(g: DepGraph, layout: Layout): string {
  const { colorOf, legend } = serviceColors(g);
  const keyWidth = (service: string): number => 18 + textWidth(service, 11) + 16;
  // Wide enough for the colour key too.
  const w = Math.max(layout.width, 400, 20 + legend.reduce((sum, k) => sum + keyWidth(k.service), 0));
  const h = layout.height + LEGEND_H;
  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Helvetica, Arial, sans-serif">`);
  o.push('<title>flowmap dependency map</title>');
  // One arrowhead per line colour (SVG 1.1 markers cannot take the line's colour).
  const colors = [GREY, ...legend.map((x) => x.color)];
  const marker = (c: string): string => `arrow${colors.indexOf(c)}`;
  o.push(`<defs>${colors.map((c) => `<marker id="${marker(c)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`).join('')}</defs>`);
  o.push(`<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`);
  for (const grp of g.groups) {
    const b = layout.groups[grp.id];
    if (!b) continue;
    o.push(`<g class="group" id="${grp.id}"${grp.shared ? ' data-shared="true"' : ''}><rect x="${r(b.x)}" y="${r(b.y)}" width="${r(b.w)}" height="${r(b.h)}" rx="8" fill="#f6f6f2" stroke="#9a9a8a"/>`);
    o.push(`<text x="${r(b.x + 10)}" y="${r(b.y + 19)}" font-size="${GROUP_FONT}" font-weight="bold" fill="#555544">${xml(grp.name)}</text></g>`);
  }
  // The shared services' edges step back (application and plan maps), so each application's own stand out.
  const sharedNodes = new Set(g.groups.filter((grp) => grp.shared).flatMap((grp) => grp.members));
  for (const e of g.edges) {
    const route = layout.edges[e.id];
    if (!route) continue;
    const faint = sharedNodes.has(e.source) || sharedNodes.has(e.target) ? ' stroke-opacity="0.35"' : '';
    const pts = route.points.map((p) => `${r(p.x)},${r(p.y)}`).join(' ');
    const dash = e.proto === 'various' ? ' stroke-dasharray="6 4"' : '';
    o.push(`<g class="edge" id="${e.id}" data-source="${e.source}" data-target="${e.target}"><title>${xml(edgeLines(e).join(' '))}</title><polyline points="${pts}" fill="none" stroke="${colorOf(e)}" stroke-width="${edgeWidth(e, g)}"${dash}${faint} marker-end="url(#${marker(colorOf(e))})"/></g>`);
  }
  for (const n of g.nodes) {
    const b = layout.nodes[n.id];
    if (!b) continue;
    // The full name is in the tooltip: the caption may be shortened with an ellipsis.
    const tip = [...(n.label !== n.key ? [n.label] : []), ...n.addresses.slice(0, 20)].join(' ');
    o.push(`<g class="node" id="${n.id}"${n.group ? ` data-group="${n.group}"` : ''}><title>${xml(tip)}</title><rect x="${r(b.x)}" y="${r(b.y)}" width="${r(b.w)}" height="${r(b.h)}" rx="6" ${fill(n)}/>`);
    o.push(`${lines(nodeLines(n), b.x + b.w / 2, b.y, b.h, NODE_FONT, '#1d2b3a')}</g>`);
  }
  // Folded traffic ends at a small dashed "other" tag beside its node (the one "other" box lists the hosts).
  for (const e of g.edges) {
    const t = layout.otherTags[e.id];
    if (!t) continue;
    o.push(`<g class="other-tag" data-edge="${e.id}"><title>the hosts in "other"</title><rect x="${r(t.x)}" y="${r(t.y)}" width="${r(t.w)}" height="${r(t.h)}" rx="4" ${fill({ kind: 'other' })}/>${lines([OTHER_TAG], t.x + t.w / 2, t.y, t.h, EDGE_FONT, '#555555')}</g>`);
  }
  for (const e of g.edges) {
    const l = layout.edges[e.id]?.label;
    if (!l) continue;
    o.push(`<g class="edge-label" data-edge="${e.id}"><rect x="${r(l.x)}" y="${r(l.y)}" width="${r(l.w)}" height="${r(l.h)}" fill="#ffffff" fill-opacity="0.85"/>${lines(edgeLines(e), l.x + l.w / 2, l.y, l.h, EDGE_FONT, colorOf(e))}</g>`);
  }
  // Colour key: a swatch and the service name for each coloured service.
  let x = 10;
  const keys: string[] = [];
  for (const k of legend) {
    keys.push(`<rect x="${x}" y="${r(h - 40)}" width="14" height="4" fill="${k.color}"/><text x="${x + 18}" y="${r(h - 35)}" font-size="11" fill="${k.color}">${xml(k.service)}</text>`);
    x += keyWidth(k.service);
  }
  o.push(`<g class="legend-colors">${keys.join('')}</g>`);
  o.push(`<text class="legend" x="10" y="${r(h - 10)}" font-size="11" fill="#555555">${xml(legendText(g))}</text>`);
  o.push('</svg>');
  return `${o.join('\n')}\n`;
}

function fill(n: Pick<GraphNode, 'kind'>): string {
  if (n.kind === 'other') return 'fill="#ffffff" stroke="#888888" stroke-dasharray="4 3"';
  if (n.kind === 'host') return 'fill="#eef4fb" stroke="#4a76a8"';
  return 'fill="#e8f3e8" stroke="#4a8a4a"';
}

/** Centred lines of text inside a box of height h starting at y. */
function lines(ls: string[], cx: number, y: number, h: number, px: number, color: string): string {
  const lh = Math.round(px * 1.3);
  const top = y + (h - ls.length * lh) / 2 + px;
  return ls
    .map((t, i) => `<text x="${r(cx)}" y="${r(top + i * lh)}" font-size="${px}" text-anchor="middle" fill="${color}">${xml(t)}</text>`)
    .join('');
}

function r(v: number): string {
  return String(Math.round(v * 10) / 10);
}
