/** The words every diagram shows: node captions, edge captions, widths by traffic, the legend. */
import type { DepGraph, GraphEdge, GraphNode } from '../graph/model.js';
import { serviceLabel } from '../graph/model.js';
import { formatBytes } from '../util/bytes.js';

/** Longest text a diagram draws on one line; the full text stays in data fields. */
export const MAX_LABEL = 40;

export function shorten(s: string, max = MAX_LABEL): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}\u2026`;
}

/** Caption lines of a node: its name (or address), then its address(es) when a name is shown. */
export function nodeLines(n: GraphNode): string[] {
  const lines = [shorten(n.label)];
  if (n.kind === 'host' && n.name !== undefined) lines.push(n.key);
  else if (n.kind !== 'host' && n.addresses.length) lines.push(n.addresses.length === 1 ? n.addresses[0] : `${n.addresses.length} hosts`);
  return lines;
}

/** Caption lines of an edge: service and port, then traffic each way. */
export function edgeLines(e: GraphEdge): string[] {
  return [shorten(serviceLabel(e)), `${formatBytes(e.bytes_c2s)} \u2192 / ${formatBytes(e.bytes_s2c)} \u2190`];
}

export function edgeText(e: GraphEdge): string {
  return edgeLines(e).join(' \u00b7 ');
}

/** Stroke width 1-5: grows with the square root of the edge's share of the heaviest edge. */
export function edgeWidth(e: GraphEdge, g: DepGraph): number {
  const max = g.edges.reduce((m, x) => Math.max(m, x.bytes), 1);
  return 1 + Math.round(4 * Math.sqrt(Math.max(0, e.bytes) / max));
}

/** One line summing up what is drawn (title / legend text). */
export function legendText(g: DepGraph): string {
  const total = g.edges.reduce((s, e) => s + e.bytes, 0);
  const cut = g.meta.cutEdges ? `; ${g.meta.cutEdges} smaller dependencies (${formatBytes(g.meta.cutBytes)}) ${g.meta.other === 'fold' ? 'folded into "other"' : 'not drawn'}` : '';
  return `${g.nodes.length} nodes, ${g.edges.length} dependencies, ${formatBytes(total)}${cut}. Arrows go from client to server; line width grows with bytes.`;
}

/**
 * Line colours by service, so a caption and its line read together and a service's lines stand out
 * (e.g. every PostgreSQL dependency): the heaviest services take the palette (Okabe-Ito first, readable by
 * colour-blind readers, dark enough for small text on white), the rest and folded traffic stay grey.
 */
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#b8860b', '#6a3d9a', '#8c564b', '#e41a1c'] as const;
export const GREY = '#5b6b7b';

/** The key a colour belongs to: the service name, else port/proto. */
function serviceKey(e: GraphEdge): string {
  return e.service ?? `${e.port}/${e.proto}`;
}

export function serviceColors(g: DepGraph): { colorOf: (e: GraphEdge) => string; legend: Array<{ service: string; color: string }> } {
  const bytes = new Map<string, number>();
  for (const e of g.edges) if (e.proto !== 'various') bytes.set(serviceKey(e), (bytes.get(serviceKey(e)) ?? 0) + e.bytes);
  const ranked = [...bytes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, PALETTE.length);
  const color = new Map(ranked.map(([k], i) => [k, PALETTE[i] as string]));
  return {
    colorOf: (e) => (e.proto === 'various' ? GREY : (color.get(serviceKey(e)) ?? GREY)),
    legend: ranked.map(([service], i) => ({ service: shorten(service, 24), color: PALETTE[i] })),
  };
}
