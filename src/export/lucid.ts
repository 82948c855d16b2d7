/**
 * Lucid Standard Import: a `.lucid` ZIP holding document.json with positioned, styled shapes,
 * lines between them, and group containers (containment follows geometry: members lie inside).
 * Ids are `n1`, `e1`, `g1`, ... (1-36 characters of [A-Za-z0-9-_.~], as Lucid requires). Shape and
 * line text is HTML to Lucid (it honours `<br>`, `<b>`, `<a>`...): every name is escaped, lines
 * are joined by `<br>`. Orthogonal routes are kept as `elbowControlPoints`.
 */
import { strToU8, zipSync } from 'fflate';
import { OTHER_TAG, type Box, type Layout } from './layout.js';
import type { DepGraph } from '../graph/model.js';
import { xml } from './escape.js';
import { edgeLines, edgeWidth, legendText, nodeLines, serviceColors } from './labels.js';

type StrokeStyle = 'solid' | 'dashed' | 'dotted';
interface Stroke {
  color: string;
  width: number;
  style?: StrokeStyle;
}

interface LucidShape {
  id: string;
  type: string;
  boundingBox: { x: number; y: number; w: number; h: number };
  text?: string;
  style?: { fill?: { type: 'color'; color: string }; stroke?: Stroke; rounding?: number };
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
  /** Bends of an elbow line, absolute; each turn is a right angle. */
  elbowControlPoints?: Array<{ x: number; y: number }>;
  stroke: Stroke;
  text: Array<{ text: string; position: number; side: 'middle' }>;
  customData?: Array<{ key: string; value: string }>;
}

export interface LucidDocument {
  version: 1;
  pages: Array<{ id: string; title: string; settings: { size: { type: 'custom'; w: number; h: number } }; shapes: LucidShape[]; lines: LucidLine[] }>;
}

/** Lucid page sizes are 1-20,000 px a side; a bigger map still imports, the page grows (autoTiling). */
const MAX_PAGE = 20_000;

export function lucidDocument(g: DepGraph, layout: Layout): LucidDocument {
  const shapes: LucidShape[] = [];
  // Containers first, so they sit behind their members.
  for (const grp of g.groups) {
    const b = layout.groups[grp.id];
    if (!b) continue;
    shapes.push({ id: grp.id, type: 'rectangleContainer', boundingBox: box(b), text: html([grp.name]), style: { fill: { type: 'color', color: '#f6f6f2' }, stroke: { color: '#9a9a8a', width: 1 } } });
  }
  for (const n of g.nodes) {
    const b = layout.nodes[n.id];
    if (!b) continue;
    shapes.push({
      id: n.id,
      type: 'rectangle',
      boundingBox: box(b),
      text: html(nodeLines(n)),
      // rounding is twice the corner radius (6 px, as in the SVG).
      style: { fill: { type: 'color', color: n.kind === 'host' ? '#eef4fb' : n.kind === 'other' ? '#ffffff' : '#e8f3e8' }, stroke: { color: n.kind === 'host' ? '#4a76a8' : n.kind === 'other' ? '#999999' : '#4a8a4a', width: 1, style: n.kind === 'other' ? 'dashed' : 'solid' }, rounding: 12 },
      customData: [
        { key: 'kind', value: n.kind },
        { key: 'addresses', value: n.addresses.slice(0, 50).join(' ') },
        ...(n.nameSource ? [{ key: 'name source', value: n.nameSource }] : []),
      ],
    });
  }
  // Folded traffic ends at its own small "other" tag, as in the SVG (layout.otherTags).
  const otherId = g.nodes.find((n) => n.kind === 'other')?.id;
  const { colorOf } = serviceColors(g);
  for (const e of g.edges) {
    const t = layout.otherTags[e.id];
    if (t) shapes.push({ id: `${e.id}_other`, type: 'rectangle', boundingBox: box(t), text: OTHER_TAG, style: { fill: { type: 'color', color: '#ffffff' }, stroke: { color: '#999999', width: 1, style: 'dashed' }, rounding: 8 } });
  }
  const lines: LucidLine[] = g.edges.map((e) => {
    const route = layout.edges[e.id];
    const tagged = layout.otherTags[e.id] !== undefined;
    const end = (id: string): { id: string; box: Box | undefined } =>
      id === otherId && tagged ? { id: `${e.id}_other`, box: layout.otherTags[e.id] } : { id, box: layout.nodes[id] };
    const a = end(e.source);
    const b = end(e.target);
    const p1 = route?.points[0];
    const p2 = route?.points[route.points.length - 1];
    const bends = layout.kind === 'layered' && route ? elbows(route.points) : undefined;
    const line: LucidLine = {
      id: e.id,
      lineType: layout.kind === 'layered' ? 'elbow' : 'straight',
      endpoint1: { type: 'shapeEndpoint', style: 'none', shapeId: a.id, position: rel(a.box, p1) },
      endpoint2: { type: 'shapeEndpoint', style: 'arrow', shapeId: b.id, position: rel(b.box, p2) },
      stroke: { color: colorOf(e), width: edgeWidth(e, g), style: e.proto === 'various' ? 'dashed' : 'solid' },
      text: [{ text: html(edgeLines(e)), position: 0.5, side: 'middle' }],
      customData: [
        { key: 'bytes', value: String(e.bytes) },
        { key: 'connections', value: String(e.connections) },
      ],
    };
    if (bends) line.elbowControlPoints = bends;
    return line;
  });
  // The legend is a borderless rectangle: `rectangle` is the one shape type every Lucid account has.
  shapes.push({ id: 'legend', type: 'rectangle', boundingBox: { x: 20, y: layout.height + 4, w: Math.max(400, layout.width - 40), h: 24 }, text: html([legendText(g)]), style: { fill: { type: 'color', color: '#ffffff' }, stroke: { color: '#ffffff', width: 0 } } });
  const size = { type: 'custom' as const, w: Math.min(MAX_PAGE, Math.max(400, layout.width)), h: Math.min(MAX_PAGE, layout.height + 40) };
  return { version: 1, pages: [{ id: 'page1', title: 'Dependencies', settings: { size }, shapes, lines }] };
}

/** The `.lucid` file: a ZIP with document.json. */
export function renderLucid(g: DepGraph, layout: Layout): Uint8Array {
  const json = JSON.stringify(lucidDocument(g, layout));
  return zipSync({ 'document.json': strToU8(json) }, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}

/** Lucid text is HTML: escape each line, break lines with <br>. */
function html(lines: string[]): string {
  return lines.map((l) => xml(l.replace(/[\r\n\t]+/g, ' '))).join('<br>');
}

/** The route's bends, rounded, when every turn is a right angle (Lucid requires it); else none. */
function elbows(points: Array<{ x: number; y: number }>): Array<{ x: number; y: number }> | undefined {
  if (points.length < 3) return undefined;
  const p = points.map((q) => ({ x: Math.round(q.x * 10) / 10, y: Math.round(q.y * 10) / 10 }));
  for (let i = 1; i < p.length; i++) if (Math.abs(p[i].x - p[i - 1].x) > 0.5 && Math.abs(p[i].y - p[i - 1].y) > 0.5) return undefined;
  return p.slice(1, -1);
}

function box(b: Box): LucidShape['boundingBox'] {
  return { x: Math.round(b.x), y: Math.round(b.y), w: Math.round(b.w), h: Math.round(b.h) };
}

/** A point on the shape as 0..1 of its box (where ELK attached the line); the centre if unknown. */
function rel(b: Box | undefined, p: { x: number; y: number } | undefined): { x: number; y: number } {
  if (!b || !p || b.w <= 0 || b.h <= 0) return { x: 0.5, y: 0.5 };
  const c = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
  return { x: c((p.x - b.x) / b.w), y: c((p.y - b.y) / b.h) };
}
