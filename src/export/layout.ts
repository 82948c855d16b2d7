/**
 * Positions for the positioned formats (SVG, draw.io, Lucid), computed once with ELK (elkjs) and
 * reused by each: `layered` for dependency flow (clients left, servers right, edges routed
 * orthogonally around nodes, labels placed by the engine), `force` for meshes. Groups are
 * containers that hold their hosts. All coordinates returned are absolute.
 */
import type { ElkExtendedEdge, ElkLabel, ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import { edgeLines, nodeLines } from './labels.js';
import { border, BoxGrid, center, GROUP_PAD_TOP, placeForceTags, pointAt, selfLoop, separateForce, type Box, type EdgeRoute } from './layout-geometry.js';
import type { DepGraph } from '../graph/model.js';
import { appLayout } from './app-layout.js';

/** `clusters`: applications as blocks and the shared services in a band (app-layout.ts), for maps with clusters. */
export type LayoutKind = 'layered' | 'force' | 'clusters';

export type { Box, EdgeRoute } from './layout-geometry.js';

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

/**
 * Applications as blocks, the shared services as a band (app-layout.ts, the page uses the same code):
 * straight edges, captions where they fit, the lightest left out where none does.
 */
function clustersLayout(g: DepGraph): Layout {
  const placed = appLayout({
    nodes: g.nodes.map((n) => ({ id: n.id, ...nodeSize(nodeLines(n)), weight: n.bytesServed + n.bytesUsed })),
    edges: g.edges.map((e) => ({ source: e.source, target: e.target, weight: e.bytes })),
    groups: g.groups.map((grp) => ({ id: grp.id, members: grp.members, shared: grp.shared, title: groupTitleSize(grp.name) })),
  });
  const { nodes, groups } = placed;
  const routes: Record<string, EdgeRoute> = {};
  // An edge that leaves an application's cluster goes through one port on the cluster's border per
  // far end: the cluster's edges to one shared service (or one other cluster) bundle into one trunk.
  const clusterOf = new Map<string, Box>();
  for (const grp of g.groups) if (!grp.shared && groups[grp.id]) for (const m of grp.members) clusterOf.set(m, groups[grp.id]);
  for (const e of g.edges) {
    const a = nodes[e.source];
    const b = nodes[e.target];
    if (!a || !b) continue;
    if (e.source === e.target) {
      routes[e.id] = { points: selfLoop(a), label: null };
      continue;
    }
    let ca = clusterOf.get(e.source);
    let cb = clusterOf.get(e.target);
    if (ca === cb) ca = cb = undefined;
    const pa = ca && border(ca, center(cb ?? b));
    const pb = cb && border(cb, center(ca ?? a));
    const via = [pa, pb].filter((p): p is { x: number; y: number } => p !== undefined);
    routes[e.id] = { points: [border(a, via[0] ?? center(b)), ...via, border(b, via[via.length - 1] ?? center(a))], label: null };
  }
  placeCaptions(g, nodes, {}, routes, g.groups.flatMap((grp) => (groups[grp.id] ? [groupTitleBox(groups[grp.id], grp.name)] : [])));
  const placedCaptions = captionBoxes(routes);
  const width = Math.max(placed.width, ...placedCaptions.map((b) => b.x + b.w + 20));
  const height = Math.max(placed.height, ...placedCaptions.map((b) => b.y + b.h + 20));
  return { kind: 'clusters', effort: 'full', width: Math.ceil(width), height: Math.ceil(height), nodes, groups, edges: routes, otherTags: {} };
}

/** Room for a group's title above its members (the renderers draw it 10 px in, baseline at 19 px). */
function groupTitleSize(name: string): { w: number; h: number } {
  return { w: textWidth(name, GROUP_FONT) + 20, h: lineH(GROUP_FONT) + 7 };
}

/** Where a group's title is drawn: captions keep off it. */
export function groupTitleBox(b: Box, name: string): Box {
  return { x: b.x + 10, y: b.y + 19 - GROUP_FONT, w: textWidth(name, GROUP_FONT), h: lineH(GROUP_FONT) };
}

/** Build ELK's graph, run it, read absolute positions back, then place what the engine did not: force tags, captions. */
export async function layoutGraph(g: DepGraph, kind: LayoutKind = 'layered', effort: LayoutEffort = chooseEffort(g.edges.length)): Promise<Layout> {
  if (kind === 'clusters') return clustersLayout(g);
  const layered = kind === 'layered';
  const otherId = g.nodes.find((n) => n.kind === 'other')?.id;
  const { root, tagOf } = buildElkGraph(g, layered, effort, otherId);
  const out = await runElk(root);
  if (!layered) separateForce(out);
  const { nodes, groups, otherTags, offset } = readBoxes(out, tagOf);
  const routes = layered ? readRoutes(out, offset) : {};
  if (!layered && otherId !== undefined) placeForceTags(g, otherId, nodes, groups, otherTags, routes, { tag: otherTagSize(), caption: (e) => edgeLabelSize(edgeLines(e)) });
  placeCaptions(g, nodes, otherTags, routes);
  const { width, height } = drawingSize(out, otherTags, routes);
  return { kind, effort: layered ? effort : 'full', width, height, nodes, groups, edges: routes, otherTags };
}

/** The graph handed to ELK, and (layered) which "other" tag shape stands for each folded edge's end. */
function buildElkGraph(g: DepGraph, layered: boolean, effort: LayoutEffort, otherId: string | undefined): { root: ElkNode; tagOf: Map<string, string> } {
  const grouped = new Set(g.groups.flatMap((x) => x.members));
  const children = elkShapes(g, grouped);
  const tagOf = layered && otherId !== undefined ? addOtherTags(g, otherId, children) : new Map<string, string>();
  if (!layered) steerGroupsByForce(g, children);
  const root: ElkNode = {
    id: 'root',
    layoutOptions: layered ? layeredOptions(effort) : FORCE_OPTIONS,
    children,
    // Force handles one level at a time: only edges between top-level shapes steer it.
    edges: layered ? layeredEdges(g, effort, otherId, tagOf) : forceEdges(g, grouped),
  };
  return { root, tagOf };
}

/** Top-level shapes: each group holding its members, then the hosts in no group. */
function elkShapes(g: DepGraph, grouped: Set<string>): ElkNode[] {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const toElkNode = (id: string): ElkNode => {
    const n = byId.get(id);
    const size = nodeSize(n ? nodeLines(n) : ['?']);
    return { id, width: size.w, height: size.h };
  };
  const children: ElkNode[] = g.groups.map((grp) => ({
    id: grp.id,
    layoutOptions: { 'elk.padding': `[top=${GROUP_PAD_TOP},left=16,bottom=16,right=16]`, 'elk.nodeSize.minimum': `(${textWidth(grp.name, GROUP_FONT) + 32}, 40)`, 'elk.nodeSize.constraints': 'MINIMUM_SIZE' },
    children: grp.members.map(toElkNode),
  }));
  for (const n of g.nodes) if (!grouped.has(n.id)) children.push(toElkNode(n.id));
  return children;
}

/**
 * Layered: each folded edge gets its own "other" tag, which the engine places next to the node.
 * Appends the tags to `children`; returns edge id -> tag id.
 */
function addOtherTags(g: DepGraph, otherId: string, children: ElkNode[]): Map<string, string> {
  const tagOf = new Map<string, string>();
  const size = otherTagSize();
  for (const e of g.edges) {
    if ((e.source === otherId) === (e.target === otherId)) continue;
    const id = `${e.id}_other`;
    tagOf.set(e.id, id);
    children.push({ id, width: size.w, height: size.h });
  }
  return tagOf;
}

/** Force: each group runs its own force layout, steered by the edges between its members. */
function steerGroupsByForce(g: DepGraph, children: ElkNode[]): void {
  for (const c of children) {
    if (!c.children) continue;
    const inside = new Set(c.children.map((k) => k.id));
    c.layoutOptions = { ...c.layoutOptions, 'elk.algorithm': 'force', 'elk.spacing.nodeNode': '40', 'elk.randomSeed': '1' };
    c.edges = g.edges.filter((e) => e.source !== e.target && inside.has(e.source) && inside.has(e.target)).map((e) => ({ id: `f${e.id}`, sources: [e.source], targets: [e.target] }));
  }
}

/** Layered: every edge, with folded traffic ending at its "other" tag instead of the "other" node. */
function layeredEdges(g: DepGraph, effort: LayoutEffort, otherId: string | undefined, tagOf: Map<string, string>): ElkExtendedEdge[] {
  // Label dummies double the graph the engine lays out: the fastest settings place captions afterwards.
  const engineLabels = effort !== 'fastest';
  const end = (edgeId: string, node: string): string => (node === otherId ? (tagOf.get(edgeId) ?? node) : node);
  return g.edges.map((e) => {
    const size = edgeLabelSize(edgeLines(e));
    const label: ElkLabel = { id: `${e.id}_l`, text: e.id, width: size.w, height: size.h };
    return { id: e.id, sources: [end(e.id, e.source)], targets: [end(e.id, e.target)], labels: engineLabels ? [label] : [] };
  });
}

function layeredOptions(effort: LayoutEffort): Record<string, string> {
  return {
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
  };
}

const FORCE_OPTIONS: Readonly<Record<string, string>> = {
  'elk.algorithm': 'force',
  'elk.force.iterations': '300',
  'elk.spacing.nodeNode': '60',
  'elk.randomSeed': '1',
  'elk.padding': '[top=20,left=20,bottom=20,right=20]',
};

type ElkCtor = new () => { layout(graph: ElkNode): Promise<ElkNode> };

/** elkjs is CommonJS: its constructor is module.exports, which Node hands over as `default`. */
async function elkConstructor(): Promise<ElkCtor> {
  const mod = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: ElkCtor | { default: ElkCtor } };
  return typeof mod.default === 'function' ? mod.default : mod.default.default;
}

async function runElk(root: ElkNode): Promise<ElkNode> {
  const elk = new (await elkConstructor())();
  return elk.layout(root);
}

/** Absolute boxes of nodes, groups and "other" tags from ELK's output (members are relative to their group). */
function readBoxes(out: ElkNode, tagOf: Map<string, string>): Pick<Layout, 'nodes' | 'groups' | 'otherTags'> & { offset: Map<string, ElkPoint> } {
  const nodes: Record<string, Box> = {};
  const groups: Record<string, Box> = {};
  const otherTags: Record<string, Box> = {};
  const tagEdge = new Map([...tagOf].map(([edge, tag]) => [tag, edge]));
  // Where each container's coordinates start: edges are reported relative to their container.
  const offset = new Map<string, ElkPoint>([['root', { x: 0, y: 0 }]]);
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
  return { nodes, groups, otherTags, offset };
}

/** Layered: the engine's routes and caption boxes, made absolute. */
function readRoutes(out: ElkNode, offset: Map<string, ElkPoint>): Record<string, EdgeRoute> {
  const routes: Record<string, EdgeRoute> = {};
  for (const e of (out.edges ?? []) as Array<ElkExtendedEdge & { container?: string }>) {
    const o = offset.get(e.container ?? 'root') ?? { x: 0, y: 0 };
    const s = e.sections?.[0];
    const l = e.labels?.[0];
    if (!s) continue;
    const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x + o.x, y: p.y + o.y }));
    // Without engine labels (fastest) the caption is placed below, where it fits.
    routes[e.id] = { points, label: l ? { x: (l.x ?? 0) + o.x, y: (l.y ?? 0) + o.y, w: l.width ?? 0, h: l.height ?? 0 } : null };
  }
  return routes;
}

/**
 * Edges the engine did not route (force layouts) get a straight line between borders; captions the
 * engine did not place (force, fastest) go to the first free place along the line (heaviest edges
 * choose first), or none.
 */
function placeCaptions(g: DepGraph, nodes: Record<string, Box>, otherTags: Record<string, Box>, routes: Record<string, EdgeRoute>, titles: Box[] = []): void {
  const taken = new BoxGrid([...Object.values(nodes), ...Object.values(otherTags), ...captionBoxes(routes), ...titles]);
  const byWeight = [...g.edges].sort((a, b) => b.bytes - a.bytes);
  for (const e of byWeight) {
    if (routes[e.id]?.label) continue;
    const a = nodes[e.source];
    const b = nodes[e.target];
    const points = routes[e.id]?.points ?? (e.source === e.target ? selfLoop(a) : [border(a, center(b)), border(b, center(a))]);
    const label = freeCaptionBox(points, edgeLabelSize(edgeLines(e)), taken);
    if (label) taken.add(label);
    routes[e.id] = { points, label };
  }
}

/**
 * The first box of `size` along the line that hits nothing taken: on the line first, then beside it
 * (either side), so the caption stays touching its own line, whose colour it shares.
 */
function freeCaptionBox(points: ElkPoint[], size: { w: number; h: number }, taken: BoxGrid): Box | null {
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
    const { p, normal } = pointAt(points, t);
    for (const side of [0, 1, -1]) {
      const off = side * (Math.abs(normal.x) * size.w + Math.abs(normal.y) * size.h) * 0.55;
      const box = { x: p.x + normal.x * off - size.w / 2, y: p.y + normal.y * off - size.h / 2, w: size.w, h: size.h };
      if (box.x >= 0 && box.y >= 0 && !taken.hits(box, 2)) return box;
    }
  }
  return null;
}

function captionBoxes(routes: Record<string, EdgeRoute>): Box[] {
  return Object.values(routes).flatMap((r) => (r.label ? [r.label] : []));
}

/** Tags and captions placed after the engine may reach past its drawing: the picture grows to hold them. */
function drawingSize(out: ElkNode, otherTags: Record<string, Box>, routes: Record<string, EdgeRoute>): { width: number; height: number } {
  const placed = [...Object.values(otherTags), ...captionBoxes(routes)];
  const width = Math.max(out.width ?? 0, ...placed.map((b) => b.x + b.w + 20));
  const height = Math.max(out.height ?? 0, ...placed.map((b) => b.y + b.h + 20));
  return { width: Math.ceil(width), height: Math.ceil(height) };
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
    // Inside one group the group's own force layout uses the edge (see steerGroupsByForce).
    if (a === b || seen.has(`${a}>${b}`)) continue;
    seen.add(`${a}>${b}`);
    out.push({ id: `f${out.length}`, sources: [a], targets: [b] });
  }
  return out;
}
