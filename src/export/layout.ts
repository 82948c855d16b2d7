/**
 * Positions for the positioned formats (SVG, draw.io, Lucid), computed once with ELK (elkjs) and
 * reused by each: `layered` for dependency flow (clients left, servers right, edges routed
 * orthogonally around nodes, labels placed by the engine), `force` for meshes. Groups are
 * containers that hold their hosts. All coordinates returned are absolute.
 */
import type { ElkExtendedEdge, ElkLabel, ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import { edgeLines, nodeLines } from './labels.js';
import type { DepGraph } from '../graph/model.js';

export type LayoutKind = 'layered' | 'force';

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

export interface Layout {
  kind: LayoutKind;
  /** How hard ELK tried (layered): see chooseEffort. */
  effort: LayoutEffort;
  width: number;
  height: number;
  nodes: Record<string, Box>;
  groups: Record<string, Box>;
  edges: Record<string, EdgeRoute>;
  /**
   * Folded traffic (edges to or from the "other" node) ends at a small "other" tag beside its node
   * instead of crossing the map to the one "other" box: edge id -> the tag's box.
   */
  otherTags: Record<string, Box>;
}

/** The caption of an "other" tag, and its size. */
export const OTHER_TAG = 'other';
const otherTagSize = (): { w: number; h: number } => ({ w: textWidth(OTHER_TAG, EDGE_FONT) + 16, h: lineH(EDGE_FONT) + 8 });

/** Text metrics used for sizes: an average Helvetica/Arial glyph at the fonts the renderers use. */
export const NODE_FONT = 12;
export const EDGE_FONT = 10;
export const GROUP_FONT = 13;
const charW = (px: number): number => px * 0.62;
const lineH = (px: number): number => Math.round(px * 1.3);

export function textWidth(text: string, px: number): number {
  return Math.ceil([...text].length * charW(px));
}

export function nodeSize(lines: string[]): { w: number; h: number } {
  const w = Math.max(110, Math.max(...lines.map((l) => textWidth(l, NODE_FONT))) + 24);
  return { w, h: lines.length * lineH(NODE_FONT) + 18 };
}

export function edgeLabelSize(lines: string[]): { w: number; h: number } {
  return { w: Math.max(...lines.map((l) => textWidth(l, EDGE_FONT))) + 8, h: lines.length * lineH(EDGE_FONT) + 4 };
}

const GROUP_PAD_TOP = 30;

/**
 * ELK layered settings by map size, measured with `npm run bench -- --sections layout` (lab maps,
 * 2 cores): `full` keeps the input order (heaviest first) and places nodes by network simplex
 * (straightest edges) but needs about 9 s at 300 dependencies: most of it in the model-order sort
 * and the network simplex; `fast` drops the model order, sweeps crossings once and places nodes by
 * linear segments (about 3 s at 300, same area); `fastest` places by Brandes-Koepf, the only
 * placement that stays linear, and leaves captions out of the engine's graph (their dummy nodes
 * doubled it): about 3 s at 1,000 (network simplex needs 30 s there); captions go where they fit.
 */
export type LayoutEffort = 'full' | 'fast' | 'fastest';
export const EFFORT_LIMITS = { full: 150, fast: 500 } as const;

export function chooseEffort(edges: number): LayoutEffort {
  return edges <= EFFORT_LIMITS.full ? 'full' : edges <= EFFORT_LIMITS.fast ? 'fast' : 'fastest';
}

function effortOptions(effort: LayoutEffort): Record<string, string> {
  if (effort === 'full') return { 'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX', 'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES' };
  const cheap = {
    'elk.layered.considerModelOrder.strategy': 'NONE',
    'elk.layered.thoroughness': '1',
    'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
    'elk.layered.crossingMinimization.greedySwitchHierarchical.type': 'OFF',
  };
  return { ...cheap, 'elk.layered.nodePlacement.strategy': effort === 'fast' ? 'LINEAR_SEGMENTS' : 'BRANDES_KOEPF' };
}

export async function layoutGraph(g: DepGraph, kind: LayoutKind = 'layered', effort: LayoutEffort = chooseEffort(g.edges.length)): Promise<Layout> {
  const elk = new (await elkConstructor())();
  const layered = kind === 'layered';
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const toElkNode = (id: string): ElkNode => {
    const n = byId.get(id);
    const size = nodeSize(n ? nodeLines(n) : ['?']);
    return { id, width: size.w, height: size.h };
  };
  const grouped = new Set(g.groups.flatMap((x) => x.members));
  const children: ElkNode[] = g.groups.map((grp) => ({
    id: grp.id,
    layoutOptions: { 'elk.padding': `[top=${GROUP_PAD_TOP},left=16,bottom=16,right=16]`, 'elk.nodeSize.minimum': `(${textWidth(grp.name, GROUP_FONT) + 32}, 40)`, 'elk.nodeSize.constraints': 'MINIMUM_SIZE' },
    children: grp.members.map(toElkNode),
  }));
  for (const n of g.nodes) if (!grouped.has(n.id)) children.push(toElkNode(n.id));

  // Layered: each folded edge gets its own "other" tag, which the engine places next to the node.
  const otherId = g.nodes.find((n) => n.kind === 'other')?.id;
  const tagOf = new Map<string, string>();
  if (layered && otherId !== undefined) {
    const size = otherTagSize();
    for (const e of g.edges) {
      if ((e.source === otherId) === (e.target === otherId)) continue;
      const id = `${e.id}_other`;
      tagOf.set(e.id, id);
      children.push({ id, width: size.w, height: size.h });
    }
  }
  // Label dummies double the graph the engine lays out: the fastest settings place captions afterwards.
  const engineLabels = effort !== 'fastest';
  const end = (edgeId: string, node: string): string => (node === otherId ? (tagOf.get(edgeId) ?? node) : node);
  const edges: ElkExtendedEdge[] = g.edges.map((e) => {
    const size = edgeLabelSize(edgeLines(e));
    const label: ElkLabel = { id: `${e.id}_l`, text: e.id, width: size.w, height: size.h };
    return { id: e.id, sources: [end(e.id, e.source)], targets: [end(e.id, e.target)], labels: engineLabels ? [label] : [] };
  });

  const root: ElkNode = {
    id: 'root',
    layoutOptions: layered
      ? {
          'elk.algorithm': 'layered',
          'elk.direction': 'RIGHT',
          'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
          'elk.edgeRouting': 'ORTHOGONAL',
          'elk.edgeLabels.placement': 'CENTER',
          'elk.layered.spacing.nodeNodeBetweenLayers': '60',
          'elk.layered.spacing.edgeNodeBetweenLayers': '20',
          'elk.spacing.nodeNode': '28',
          'elk.spacing.edgeLabel': '4',
          'elk.spacing.edgeEdge': '8',
          'elk.layered.spacing.edgeEdgeBetweenLayers': '6',
          'elk.spacing.componentComponent': '40',
          // full: straighter, shorter edges than the default placement (50-host lab: 3976x2626 -> about 3200x1700).
          ...effortOptions(effort),
          'elk.padding': '[top=20,left=20,bottom=20,right=20]',
        }
      : {
          'elk.algorithm': 'force',
          'elk.force.iterations': '300',
          'elk.spacing.nodeNode': '60',
          'elk.randomSeed': '1',
          'elk.padding': '[top=20,left=20,bottom=20,right=20]',
        },
    children,
    // Force handles one level at a time: only edges between top-level shapes steer it.
    edges: layered ? edges : forceEdges(g, grouped),
  };
  if (!layered) {
    // Each group runs its own force layout, steered by the edges between its members.
    for (const c of children) {
      if (!c.children) continue;
      const inside = new Set(c.children.map((k) => k.id));
      c.layoutOptions = { ...c.layoutOptions, 'elk.algorithm': 'force', 'elk.spacing.nodeNode': '40', 'elk.randomSeed': '1' };
      c.edges = g.edges.filter((e) => e.source !== e.target && inside.has(e.source) && inside.has(e.target)).map((e) => ({ id: `f${e.id}`, sources: [e.source], targets: [e.target] }));
    }
  }

  const out = await elk.layout(root);
  if (!layered) separateForce(out);
  const nodes: Record<string, Box> = {};
  const groups: Record<string, Box> = {};
  const otherTags: Record<string, Box> = {};
  const tagEdge = new Map([...tagOf].map(([edge, tag]) => [tag, edge]));
  const offset = new Map<string, { x: number; y: number }>([['root', { x: 0, y: 0 }]]);
  for (const c of out.children ?? []) {
    const box = { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 };
    const tagged = tagEdge.get(c.id);
    if (tagged !== undefined) otherTags[tagged] = box;
    else if (c.children) {
      groups[c.id] = box;
      offset.set(c.id, { x: box.x, y: box.y });
      for (const k of c.children) nodes[k.id] = { x: box.x + (k.x ?? 0), y: box.y + (k.y ?? 0), w: k.width ?? 0, h: k.height ?? 0 };
    } else nodes[c.id] = box;
  }

  const routes: Record<string, EdgeRoute> = {};
  if (layered) {
    for (const e of (out.edges ?? []) as Array<ElkExtendedEdge & { container?: string }>) {
      const o = offset.get(e.container ?? 'root') ?? { x: 0, y: 0 };
      const s = e.sections?.[0];
      const l = e.labels?.[0];
      if (!s) continue;
      const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x + o.x, y: p.y + o.y }));
      // Without engine labels (fastest) the caption is placed below, where it fits.
      routes[e.id] = { points, label: l ? { x: (l.x ?? 0) + o.x, y: (l.y ?? 0) + o.y, w: l.width ?? 0, h: l.height ?? 0 } : null };
    }
  }
  if (!layered && otherId !== undefined) placeForceTags(g, otherId, nodes, groups, otherTags, routes);
  // Edges the engine did not route (force layouts) get a straight line between borders; captions the
  // engine did not place (force, fastest) go to the first free place along the line (heaviest edges
  // choose first), or none.
  const taken = new BoxGrid([...Object.values(nodes), ...Object.values(otherTags), ...Object.values(routes).flatMap((r) => (r.label ? [r.label] : []))]);
  const byWeight = [...g.edges].sort((a, b) => b.bytes - a.bytes);
  for (const e of byWeight) {
    if (routes[e.id]?.label) continue;
    const a = nodes[e.source];
    const b = nodes[e.target];
    const points = routes[e.id]?.points ?? (e.source === e.target ? selfLoop(a) : [border(a, center(b)), border(b, center(a))]);
    const size = edgeLabelSize(edgeLines(e));
    let label: Box | null = null;
    // On the line first, then beside it (either side): the caption stays touching its own line,
    // whose colour it shares.
    search: for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
      const { p, normal } = pointAt(points, t);
      for (const side of [0, 1, -1]) {
        const off = side * (Math.abs(normal.x) * size.w + Math.abs(normal.y) * size.h) * 0.55;
        const box = { x: p.x + normal.x * off - size.w / 2, y: p.y + normal.y * off - size.h / 2, w: size.w, h: size.h };
        if (box.x >= 0 && box.y >= 0 && !taken.hits(box, 2)) {
          label = box;
          taken.add(box);
          break search;
        }
      }
    }
    routes[e.id] = { points, label };
  }
  // Tags and captions placed here may reach past the engine's drawing: the picture grows to hold them.
  const placed = [...Object.values(otherTags), ...Object.values(routes).flatMap((r) => (r.label ? [r.label] : []))];
  const width = Math.max(out.width ?? 0, ...placed.map((b) => b.x + b.w + 20));
  const height = Math.max(out.height ?? 0, ...placed.map((b) => b.y + b.h + 20));
  return { kind, effort: layered ? effort : 'full', width: Math.ceil(width), height: Math.ceil(height), nodes, groups, edges: routes, otherTags };
}

export function overlaps(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
}

const SEPARATION = 24;

/**
 * ELK's force layout does not promise that shapes keep apart: push overlapping shapes apart (inside
 * each group, growing the group to fit, then at the top level), then move everything to the origin.
 */
function separateForce(out: ElkNode): void {
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

type ElkCtor = new () => { layout(graph: ElkNode): Promise<ElkNode> };

/** elkjs is CommonJS: its constructor is module.exports, which Node hands over as `default`. */
async function elkConstructor(): Promise<ElkCtor> {
  const mod = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: ElkCtor | { default: ElkCtor } };
  return typeof mod.default === 'function' ? mod.default : mod.default.default;
}

/** Top-level shapes joined by at least one edge (a group stands in for its members). */
function forceEdges(g: DepGraph, grouped: Set<string>): ElkExtendedEdge[] {
  const groupOf = new Map<string, string>();
  for (const grp of g.groups) for (const m of grp.members) groupOf.set(m, grp.id);
  const top = (id: string): string => (grouped.has(id) ? (groupOf.get(id) as string) : id);
  const seen = new Set<string>();
  const out: ElkExtendedEdge[] = [];
  for (const e of g.edges) {
    const a = top(e.source);
    const b = top(e.target);
    // Inside one group the group's own force layout uses the edge (see layoutGraph).
    if (a === b || seen.has(`${a}>${b}`)) continue;
    seen.add(`${a}>${b}`);
    out.push({ id: `f${out.length}`, sources: [a], targets: [b] });
  }
  return out;
}

/**
 * Force layouts: each folded edge gets an "other" tag at the first free place beside its node
 * (right, left, below, above; then farther out) and a short straight line to it; without a free
 * place the line goes to the one "other" box as before.
 */
function placeForceTags(g: DepGraph, otherId: string, nodes: Record<string, Box>, groups: Record<string, Box>, tags: Record<string, Box>, routes: Record<string, EdgeRoute>): void {
  const size = otherTagSize();
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
    const cap = edgeLabelSize(edgeLines(e));
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
class BoxGrid {
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
function pointAt(points: ElkPoint[], t: number): { p: ElkPoint; normal: ElkPoint } {
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

function center(b: Box): ElkPoint {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}

/** Where the line from the box's centre towards p leaves the box. */
function border(b: Box, p: ElkPoint): ElkPoint {
  const c = center(b);
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const t = Math.min(Math.abs(b.w / 2 / (dx || 1e-9)), Math.abs(b.h / 2 / (dy || 1e-9)));
  return { x: c.x + dx * t, y: c.y + dy * t };
}

function selfLoop(b: Box): ElkPoint[] {
  const x = b.x + b.w;
  return [{ x, y: b.y + b.h * 0.3 }, { x: x + 20, y: b.y + b.h * 0.3 }, { x: x + 20, y: b.y + b.h * 0.7 }, { x, y: b.y + b.h * 0.7 }];
}
