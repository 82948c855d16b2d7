/**
 * The application view's positions: the exports' application layout (src/export/app-layout.ts, the
 * same code), fed with the boxes the page draws: a node's disc with its caption below it, measured
 * with the canvas font Cytoscape uses, so no two captions can meet and none lies on another node.
 * No randomness: a reload, or the same answer again, puts everything where it was.
 */
import type { ElementDefinition, Position } from 'cytoscape';
import { appLayout, type AppLayoutGroup, type AppLayoutNode } from '../../../src/export/app-layout.js';
import { groupBy } from '../../../src/util/group.js';
import type { BuiltElements, NodeData } from './elements.js';

/** The font of every caption on the map (style.ts sets it; measured here with the same string). */
export const MAP_FONT_FAMILY = 'Helvetica Neue, Helvetica, Arial, sans-serif';
/** Room between a disc and its caption (style.ts `text-margin-y`). */
export const CAPTION_GAP = 3;
/** A container's padding around its members (style.ts) and its title's font. */
export const CONTAINER_PAD = 12;
export const CONTAINER_FONT = 14;

let ctx: CanvasRenderingContext2D | null = null;

/** Width and height of a caption as Cytoscape draws it (lines at line-height 1, a 1 px background pad). */
export function captionSize(text: string, px: number, weight = 'normal'): { w: number; h: number } {
  ctx ??= document.createElement('canvas').getContext('2d');
  const lines = text.split('\n');
  let w = 0;
  if (ctx) {
    ctx.font = `normal ${weight} ${px}px ${MAP_FONT_FAMILY}`;
    for (const l of lines) w = Math.max(w, ctx.measureText(l).width);
  } else w = Math.max(...lines.map((l) => l.length * px * 0.62));
  return { w: Math.ceil(w) + 4, h: Math.ceil(lines.length * px * 1.25) + 4 };
}

/** A node's box: its disc, the gap and its caption, centred under it (with a margin all round). */
function boxOf(d: NodeData): { w: number; h: number } {
  const cap = captionSize(d.caption, d.font);
  return { w: Math.max(d.size, cap.w) + 10, h: d.size + CAPTION_GAP + cap.h + 8 };
}

export function appPositions(els: BuiltElements): Map<string, Position> {
  const drawn = els.nodes.map((n) => n.data as NodeData);
  const containers = drawn.filter((d) => d.kind === 'container');
  const childrenOf = groupBy(drawn.filter((d) => d.parent !== undefined), (d) => d.parent);
  const nodes: AppLayoutNode[] = [];
  const groups: AppLayoutGroup[] = [];
  const sizes = new Map<string, number>();
  for (const d of drawn) {
    if (d.kind === 'container' && !d.collapsed) continue;
    nodes.push({ id: d.id, ...boxOf(d), weight: d.bytes, block: d.kind === 'container' && !d.shared });
    sizes.set(d.id, d.size);
  }
  for (const c of containers) {
    const title = captionSize(c.caption, CONTAINER_FONT, 'bold');
    // A collapsed shared container stays in the band.
    const members = c.collapsed ? (c.shared ? [c.id] : []) : (childrenOf.get(c.id) ?? []).map((d) => d.id);
    if (members.length) groups.push({ id: c.id, members, shared: c.shared, title: { w: title.w, h: title.h + CONTAINER_PAD } });
  }
  const edges = els.edges.map((e: ElementDefinition) => ({ source: e.data.source as string, target: e.data.target as string, weight: (e.data.bytes as number) ?? 0 }));
  const placed = appLayout({ nodes, edges, groups });
  const pos = new Map<string, Position>();
  for (const [id, b] of Object.entries(placed.nodes)) pos.set(id, { x: b.x + b.w / 2, y: b.y + 4 + (sizes.get(id) ?? 0) / 2 });
  return pos;
}
