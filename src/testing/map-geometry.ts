/**
 * The geometry promises of a drawn map, checked the same way on an SVG export and on the page's
 * Cytoscape drawing: no two labels overlap, no label lies on a node other than its own, no two
 * nodes overlap, every clustered host lies inside its cluster, and the shared services lie outside
 * every application's cluster.
 */
import { GROUP_FONT, textWidth } from '../export/layout.js';

export interface GeoBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MapGeometry {
  nodes: { id: string; box: GeoBox; group?: string }[];
  /** owner: the node a caption belongs to (it may sit on that node), else an edge or group id. */
  labels: { owner: string; box: GeoBox; text: string }[];
  groups: { id: string; box: GeoBox; shared: boolean }[];
}

/** Overlap by more than `tol` px on both axes (touching edges and rounding do not count). */
export function boxesOverlap(a: GeoBox, b: GeoBox, tol = 0.5): boolean {
  return Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > tol && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > tol;
}

export function inside(inner: GeoBox, outer: GeoBox, tol = 0.5): boolean {
  return inner.x >= outer.x - tol && inner.y >= outer.y - tol && inner.x + inner.w <= outer.x + outer.w + tol && inner.y + inner.h <= outer.y + outer.h + tol;
}

/** Every broken promise, in words (empty: the map keeps them all). */
export function geometryProblems(m: MapGeometry): string[] {
  const out: string[] = [];
  const { nodes, labels, groups } = m;
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      if (boxesOverlap(labels[i].box, labels[j].box)) out.push(`labels overlap: ${JSON.stringify(labels[i].text)} and ${JSON.stringify(labels[j].text)}`);
  for (const l of labels)
    for (const n of nodes)
      if (n.id !== l.owner && boxesOverlap(l.box, n.box)) out.push(`label ${JSON.stringify(l.text)} lies on node ${n.id}`);
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) if (boxesOverlap(nodes[i].box, nodes[j].box)) out.push(`nodes overlap: ${nodes[i].id} and ${nodes[j].id}`);
  const byId = new Map(groups.map((g) => [g.id, g]));
  for (const n of nodes) {
    const g = n.group === undefined ? undefined : byId.get(n.group);
    if (g && !inside(n.box, g.box)) out.push(`node ${n.id} lies outside its cluster ${g.id}`);
    for (const other of groups) if (other.id !== n.group && boxesOverlap(n.box, other.box)) out.push(`node ${n.id} lies on cluster ${other.id}${g?.shared ? ' (a shared service inside an application)' : ''}`);
  }
  for (let i = 0; i < groups.length; i++)
    for (let j = i + 1; j < groups.length; j++) if (boxesOverlap(groups[i].box, groups[j].box)) out.push(`clusters overlap: ${groups[i].id} and ${groups[j].id}`);
  return out;
}

const num = (s: string, name: string): number => Number(new RegExp(`\\b${name}="(-?[\\d.]+)"`).exec(s)?.[1] ?? NaN);
const rectOf = (s: string): GeoBox => {
  const r = /<rect [^>]*>/.exec(s)?.[0] ?? '';
  return { x: num(r, 'x'), y: num(r, 'y'), w: num(r, 'width'), h: num(r, 'height') };
};

/**
 * The geometry of a flowmap SVG export: node boxes (their captions are inside them), groups and
 * their titles, edge captions.
 */
export function svgGeometry(svg: string): MapGeometry {
  const m: MapGeometry = { nodes: [], labels: [], groups: [] };
  for (const [g, attrs] of svg.matchAll(/<g class="node" ([^>]*)>.*?<\/g>/gs)) {
    const id = /id="([^"]+)"/.exec(attrs)?.[1] ?? '';
    const box = rectOf(g);
    m.nodes.push({ id, box, group: /data-group="([^"]+)"/.exec(attrs)?.[1] });
    m.labels.push({ owner: id, box, text: [...g.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((t) => t[1]).join(' ') });
  }
  for (const [g, attrs] of svg.matchAll(/<g class="group" ([^>]*)>.*?<\/g>/gs)) {
    const id = /id="([^"]+)"/.exec(attrs)?.[1] ?? '';
    m.groups.push({ id, box: rectOf(g), shared: attrs.includes('data-shared="true"') });
    const t = /<text ([^>]*)>([^<]*)<\/text>/.exec(g);
    if (t) {
      const name = t[2].replace(/&(amp|lt|gt|quot|apos);/g, 'x');
      m.labels.push({ owner: id, box: { x: num(t[1], 'x'), y: num(t[1], 'y') - GROUP_FONT, w: textWidth(name, GROUP_FONT), h: GROUP_FONT * 1.3 }, text: t[2] });
    }
  }
  for (const [g, attrs] of svg.matchAll(/<g class="edge-label" ([^>]*)>.*?<\/g>/gs)) {
    m.labels.push({ owner: /data-edge="([^"]+)"/.exec(attrs)?.[1] ?? '', box: rectOf(g), text: [...g.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((t) => t[1]).join(' ') });
  }
  return m;
}
