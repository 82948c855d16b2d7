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
