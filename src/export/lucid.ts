/**
 * Lucid Standard Import: a `.lucid` ZIP holding document.json with positioned, styled shapes,
 * lines between them, and group containers (containment follows geometry: members lie inside).
 * Ids are `n1`, `e1`, `g1`, ... (1-36 characters of [A-Za-z0-9-_.~], as Lucid requires).
 */
import { strToU8, zipSync } from 'fflate';
import type { Layout } from '../graph/layout.js';
import type { DepGraph } from '../graph/model.js';
import { edgeLines, edgeWidth, legendText, nodeLines } from './labels.js';

interface LucidShape {
  id: string;
  type: string;
  boundingBox: { x: number; y: number; w: number; h: number };
  text?: string;
  style?: { fill?: { type: 'color'; color: string }; stroke?: { color: string; width: number } };
  customData?: Array<{ key: string; value: string }>;
}

interface LucidEndpoint {
  type: 'shapeEndpoint';
  style: 'none' | 'arrow';
  shapeId: string;
  position: { x: number; y: number };
}

interface LucidLine {
  id: string;
  lineType: 'straight' | 'elbow' | 'curved';
  endpoint1: LucidEndpoint;
  endpoint2: LucidEndpoint;
  stroke: { color: string; width: number };
  text: Array<{ text: string; position: number; side: 'middle' }>;
  customData?: Array<{ key: string; value: string }>;
}

export interface LucidDocument {
  version: 1;
  pages: Array<{ id: string; title: string; shapes: LucidShape[]; lines: LucidLine[] }>;
}

export function lucidDocument(g: DepGraph, layout: Layout): LucidDocument {
  const shapes: LucidShape[] = [];
  // Containers first, so they sit behind their members.
  for (const grp of g.groups) {
    const b = layout.groups[grp.id];
    if (!b) continue;
    shapes.push({ id: grp.id, type: 'rectangleContainer', boundingBox: box(b), text: grp.name, style: { fill: { type: 'color', color: '#f6f6f2' }, stroke: { color: '#9a9a8a', width: 1 } } });
  }
  for (const n of g.nodes) {
    const b = layout.nodes[n.id];
    if (!b) continue;
    shapes.push({
      id: n.id,
      type: 'rectangle',
      boundingBox: box(b),
      text: nodeLines(n).join('\n'),
      style: { fill: { type: 'color', color: n.kind === 'host' ? '#eef4fb' : n.kind === 'other' ? '#ffffff' : '#e8f3e8' }, stroke: { color: n.kind === 'host' ? '#4a76a8' : n.kind === 'other' ? '#999999' : '#4a8a4a', width: 1 } },
      customData: [
        { key: 'kind', value: n.kind },
        { key: 'addresses', value: n.addresses.slice(0, 50).join(' ') },
        ...(n.nameSource ? [{ key: 'name source', value: n.nameSource }] : []),
      ],
    });
  }
  const lines: LucidLine[] = g.edges.map((e) => {
    const route = layout.edges[e.id];
    const a = layout.nodes[e.source];
    const b = layout.nodes[e.target];
    const p1 = route?.points[0];
    const p2 = route?.points[route.points.length - 1];
    return {
      id: e.id,
      lineType: 'elbow',
      endpoint1: { type: 'shapeEndpoint', style: 'none', shapeId: e.source, position: rel(a, p1) },
      endpoint2: { type: 'shapeEndpoint', style: 'arrow', shapeId: e.target, position: rel(b, p2) },
      // Only the documented stroke fields (color, width): folded "other" lines are lighter instead of dashed.
      stroke: { color: e.proto === 'various' ? '#aab4be' : '#5b6b7b', width: edgeWidth(e, g) },
      text: [{ text: edgeLines(e).join('\n'), position: 0.5, side: 'middle' }],
      customData: [
        { key: 'bytes', value: String(e.bytes) },
        { key: 'connections', value: String(e.connections) },
      ],
    };
  });
  // The legend is a borderless rectangle: `rectangle` is the one shape type every Lucid account has.
  shapes.push({ id: 'legend', type: 'rectangle', boundingBox: { x: 20, y: layout.height + 4, w: Math.max(400, layout.width - 40), h: 24 }, text: legendText(g), style: { fill: { type: 'color', color: '#ffffff' }, stroke: { color: '#ffffff', width: 0 } } });
  return { version: 1, pages: [{ id: 'page1', title: 'Dependencies', shapes, lines }] };
}

/** The `.lucid` file: a ZIP with document.json. */
export function renderLucid(g: DepGraph, layout: Layout): Uint8Array {
  const json = JSON.stringify(lucidDocument(g, layout));
  return zipSync({ 'document.json': strToU8(json) }, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}

function box(b: { x: number; y: number; w: number; h: number }): LucidShape['boundingBox'] {
  return { x: Math.round(b.x), y: Math.round(b.y), w: Math.round(b.w), h: Math.round(b.h) };
}

/** A point on the shape as 0..1 of its box (where ELK attached the line); the centre if unknown. */
function rel(b: { x: number; y: number; w: number; h: number } | undefined, p: { x: number; y: number } | undefined): { x: number; y: number } {
  if (!b || !p || b.w <= 0 || b.h <= 0) return { x: 0.5, y: 0.5 };
  const c = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
  return { x: c((p.x - b.x) / b.w), y: c((p.y - b.y) / b.h) };
}
