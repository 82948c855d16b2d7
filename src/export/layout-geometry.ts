/**
 * Geometry for layout.ts: pushing force-layout shapes apart, placing force layouts' "other" tags,
 * and the box and line helpers the caption placement uses. Coordinates are absolute.
 */
import type { ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import type { DepGraph, GraphEdge } from '../graph/model.js';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface EdgeRoute {
  /** Start, bends, end: the line runs through these points. */
  points: ElkPoint[];
  /** Where the caption goes (its box); null when no free place was found (force and fastest layouts). */
  label: Box | null;
}

/** Room above a group's members for its name (ELK's group padding and separateForce keep it free). */
export const GROUP_PAD_TOP = 30;

/** Sizes of an "other" tag and of an edge's caption, from layout.ts's text metrics. */
export interface TagSizes {
  tag: { w: number; h: number };
  caption: (e: GraphEdge) => { w: number; h: number };
}

export function overlaps(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
}

const SEPARATION = 24;

/**
 * ELK's force layout does not promise that shapes keep apart: push overlapping shapes apart (inside
 * each group, growing the group to fit, then at the top level), then move everything to the origin.
 */
export function separateForce(out: ElkNode): void {
  for (const c of out.children ?? []) {
    if (!c.children?.length) continue;
    separate(c.children);
    const minX = Math.min(...c.children.map((k) => k.x ?? 0));
    const minY = Math.min(...c.children.map((k) => k.y ?? 0));
    for (const k of c.children) {
      k.x = (k.x ?? 0) - minX + 16;
      k.y = (k.y ?? 0) - minY + GROUP_PAD_TOP;
    }
    c.width = Math.max(c.width ?? 0, Math.max(...c.children.map((k) => (k.x ?? 0) + (k.width ?? 0))) + 16);
    c.height = Math.max(...c.children.map((k) => (k.y ?? 0) + (k.height ?? 0))) + 16;
  }
  const top = out.children ?? [];
  if (!top.length) return;
  separate(top);
  const minX = Math.min(...top.map((k) => k.x ?? 0));
  const minY = Math.min(...top.map((k) => k.y ?? 0));
  for (const k of top) {
    k.x = (k.x ?? 0) - minX + 20;
    k.y = (k.y ?? 0) - minY + 20;
  }
  out.width = Math.max(...top.map((k) => (k.x ?? 0) + (k.width ?? 0))) + 20;
  out.height = Math.max(...top.map((k) => (k.y ?? 0) + (k.height ?? 0))) + 20;
}

/**
 * Push apart every overlapping pair along the axis where they overlap least, until none do. Pairs
 * are found by a sweep over x (sorted each round), so large force layouts stay fast.
 */
function separate(items: ElkNode[]): void {
  const n = items.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const w = items.map((k) => k.width ?? 0);
  const h = items.map((k) => k.height ?? 0);
  items.forEach((k, i) => {
    x[i] = k.x ?? 0;
    y[i] = k.y ?? 0;
  });
  const order = Array.from({ length: n }, (_, i) => i);
  const maxW = Math.max(0, ...w);
  for (let round = 0; round < 500; round++) {
    let moved = false;
    order.sort((a, b) => x[a] - x[b]);
    for (let oi = 0; oi < n; oi++) {
      const i = order[oi];
      for (let oj = oi + 1; oj < n; oj++) {
        const j = order[oj];
        if (x[j] >= x[i] + w[i] + SEPARATION + maxW) break;
        const dx = Math.min(x[i] + w[i], x[j] + w[j]) - Math.max(x[i], x[j]) + SEPARATION;
        const dy = Math.min(y[i] + h[i], y[j] + h[j]) - Math.max(y[i], y[j]) + SEPARATION;
        if (dx <= 0.5 || dy <= 0.5) continue;
        moved = true;
        if (dx <= dy) {
          const sgn = x[i] + w[i] / 2 <= x[j] + w[j] / 2 ? 1 : -1;
          x[i] -= (sgn * dx) / 2;
          x[j] += (sgn * dx) / 2;
        } else {
          const sgn = y[i] + h[i] / 2 <= y[j] + h[j] / 2 ? 1 : -1;
          y[i] -= (sgn * dy) / 2;
          y[j] += (sgn * dy) / 2;
        }
      }
    }
    if (!moved) break;
  }
  items.forEach((k, i) => {
    k.x = x[i];
    k.y = y[i];
  });
}

/**
 * Force layouts: each folded edge gets an "other" tag at the first free place beside its node
 * (right, left, below, above; then farther out) and a short straight line to it; without a free
 * place the line goes to the one "other" box as before.
 */
export function placeForceTags(g: DepGraph, otherId: string, nodes: Record<string, Box>, groups: Record<string, Box>, tags: Record<string, Box>, routes: Record<string, EdgeRoute>, sizes: TagSizes): void {
  const size = sizes.tag;
  const groupOf = new Map<string, string>();
  for (const grp of g.groups) for (const m of grp.members) groupOf.set(m, grp.id);
  const nodeBoxes = new BoxGrid(Object.values(nodes));
  for (const e of [...g.edges].sort((a, b) => b.bytes - a.bytes)) {
    const toOther = e.target === otherId;
    if (toOther === (e.source === otherId)) continue;
    const nodeId = toOther ? e.source : e.target;
    const b = nodes[nodeId];
    if (!b) continue;
    const own = groupOf.get(nodeId);
    const foreign = Object.entries(groups).filter(([id]) => id !== own).map(([, box]) => box);
    const cy = b.y + (b.h - size.h) / 2;
    const cx = b.x + (b.w - size.w) / 2;
    // Far enough out that the caption fits on the line between node and tag.
    const cap = sizes.caption(e);
    for (const k of [1, 2]) {
      const dx = k * (cap.w + 16);
      const dy = k * (cap.h + 16);
      const spot = [
        { x: b.x + b.w + dx, y: cy, w: size.w, h: size.h },
        { x: b.x - dx - size.w, y: cy, w: size.w, h: size.h },
        { x: cx, y: b.y + b.h + dy, w: size.w, h: size.h },
        { x: cx, y: b.y - dy - size.h, w: size.w, h: size.h },
      ].find((t) => t.x >= 0 && t.y >= 0 && !nodeBoxes.hits(t, 8) && !foreign.some((f) => overlaps(f, t, 8)));
      if (!spot) continue;
      tags[e.id] = spot;
      nodeBoxes.add(spot);
      const [from, to] = toOther ? [b, spot] : [spot, b];
      routes[e.id] = { points: [border(from, center(to)), border(to, center(from))], label: null };
      break;
    }
  }
}

/** Boxes bucketed in a coarse grid, so "does this caption hit anything" stays cheap on big maps. */
export class BoxGrid {
  private readonly cells = new Map<string, Box[]>();
  private static readonly CELL = 256;

  constructor(boxes: Box[]) {
    for (const b of boxes) this.add(b);
  }

  private keys(b: Box, gap: number): string[] {
    const c = BoxGrid.CELL;
    const out: string[] = [];
    for (let i = Math.floor((b.x - gap) / c); i <= Math.floor((b.x + b.w + gap) / c); i++) for (let j = Math.floor((b.y - gap) / c); j <= Math.floor((b.y + b.h + gap) / c); j++) out.push(`${i},${j}`);
    return out;
  }

  add(b: Box): void {
    for (const k of this.keys(b, 0)) {
      const list = this.cells.get(k);
      if (list) list.push(b);
      else this.cells.set(k, [b]);
    }
  }

  hits(b: Box, gap: number): boolean {
    return this.keys(b, gap).some((k) => this.cells.get(k)?.some((o) => overlaps(o, b, gap)) ?? false);
  }
}

/** The point at fraction t of a polyline's length, and the unit normal of its segment there. */
export function pointAt(points: ElkPoint[], t: number): { p: ElkPoint; normal: ElkPoint } {
  const segs = points.slice(1).map((q, i) => ({ a: points[i], b: q, len: Math.hypot(q.x - points[i].x, q.y - points[i].y) }));
  let left = t * segs.reduce((sum, x) => sum + x.len, 0);
  for (const sg of segs) {
    if (left <= sg.len || sg === segs[segs.length - 1]) {
      const f = sg.len ? Math.min(1, left / sg.len) : 0;
      const len = sg.len || 1;
      return { p: { x: sg.a.x + (sg.b.x - sg.a.x) * f, y: sg.a.y + (sg.b.y - sg.a.y) * f }, normal: { x: -(sg.b.y - sg.a.y) / len, y: (sg.b.x - sg.a.x) / len } };
    }
    left -= sg.len;
  }
  return { p: points[0], normal: { x: 0, y: 1 } };
}

export function center(b: Box): ElkPoint {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}

/** Where the line from the box's centre towards p leaves the box. */
export function border(b: Box, p: ElkPoint): ElkPoint {
  const c = center(b);
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const t = Math.min(Math.abs(b.w / 2 / (dx || 1e-9)), Math.abs(b.h / 2 / (dy || 1e-9)));
  return { x: c.x + dx * t, y: c.y + dy * t };
}

export function selfLoop(b: Box): ElkPoint[] {
  const x = b.x + b.w;
  return [{ x, y: b.y + b.h * 0.3 }, { x: x + 20, y: b.y + b.h * 0.3 }, { x: x + 20, y: b.y + b.h * 0.7 }, { x, y: b.y + b.h * 0.7 }];
}
