/**
 * The application layout: one deterministic placement for maps whose hosts sit in application
 * clusters (or config groups), used by the positioned exports and by the web page alike, each with
 * its own box sizes (a box holds a node and its caption, so captions cannot meet when boxes do not).
 *
 *  - Inside a cluster, hosts stand in columns by their depth in the cluster's own client -> server
 *    chain (web, app, db), a tall column wrapped into several.
 *  - Clusters (and stand-alone blocks: a collapsed cluster) are packed in rows, the ones that talk
 *    most next to each other.
 *  - The shared services get their own band between the upper and the lower half of those rows (two
 *    rows up to 8 clusters), so every cluster borders it and their many edges do not run through
 *    other applications; hosts in no cluster get a band below everything.
 *
 * Pure arithmetic on the input, no randomness: the same input gives the same positions.
 */

import { groupBy } from '../util/group.js';

export interface AppBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface AppLayoutNode {
  id: string;
  w: number;
  h: number;
  /** Traffic: heavier first within a column or band. */
  weight: number;
  /** Stands alone as a block among the clusters (a collapsed cluster), not in the bottom band. */
  block?: boolean;
}

export interface AppLayoutGroup {
  id: string;
  members: string[];
  /** The shared services' container: drawn as the band above. */
  shared?: boolean;
  /** Room the group's title needs above its members. */
  title: { w: number; h: number };
}

export interface AppLayoutInput {
  nodes: AppLayoutNode[];
  /** Client -> server, with the traffic that orders and places things. */
  edges: { source: string; target: string; weight: number }[];
  groups: AppLayoutGroup[];
}

export interface AppLayoutSpacing {
  /** Between boxes in a column. */
  row: number;
  /** Between columns inside a cluster (edges run there). */
  column: number;
  /** Around a cluster's members, inside its box. */
  pad: number;
  /** Between clusters, bands and rows of clusters. */
  block: number;
}

export const APP_SPACING: AppLayoutSpacing = { row: 18, column: 56, pad: 16, block: 56 };

export interface AppLayout {
  /** Top-left boxes of every node. */
  nodes: Record<string, AppBox>;
  /** Boxes of every group, title room included. */
  groups: Record<string, AppBox>;
  width: number;
  height: number;
}

interface Piece {
  /** A group id, or a block node's id. */
  id: string;
  w: number;
  h: number;
  /** Member boxes relative to the piece's top-left. */
  members: Map<string, AppBox>;
  weight: number;
}

export function appLayout(input: AppLayoutInput, sp: AppLayoutSpacing = APP_SPACING): AppLayout {
  const byId = new Map(input.nodes.map((n) => [n.id, n]));
  const groupOf = new Map<string, string>();
  for (const g of input.groups) for (const m of g.members) if (byId.has(m)) groupOf.set(m, g.id);
  const shared = input.groups.find((g) => g.shared);
  const groupIds = new Set(input.groups.map((g) => g.id));

  const pieces: Piece[] = input.groups.filter((g) => !g.shared).map((g) => clusterPiece(g, byId, input.edges, sp));
  for (const n of input.nodes) if (n.block && !groupOf.has(n.id)) pieces.push({ id: n.id, w: n.w, h: n.h, members: new Map([[n.id, { x: 0, y: 0, w: n.w, h: n.h }]]), weight: n.weight });
  const pieceOf = new Map<string, string>();
  for (const p of pieces) for (const m of p.members.keys()) pieceOf.set(m, p.id);

  const order = chainOrder(pieces, input.edges, pieceOf);
  const bandItems = shared ? shared.members.filter((m) => byId.has(m)) : [];
  const loose = input.nodes.filter((n) => !groupOf.has(n.id) && !n.block).map((n) => n.id);
  // Two rows (one each side of the band) up to 8 clusters, then an even number growing with the
  // square root: wide rather than tall, as screens and pages are.
  const rowCount = order.length <= 1 ? order.length : Math.max(2, 2 * Math.round(Math.sqrt(order.length / 4)));
  const totalW = order.reduce((s, p) => s + p.w + sp.block, 0);
  const rows = balancedRows(order, rowCount ? totalW / rowCount : 0, sp.block);
  const rowWidth = (row: Piece[]): number => row.reduce((s, p) => s + p.w, 0) + sp.block * (row.length - 1);
  const bandWidth = bandItems.reduce((s, id) => s + (byId.get(id)?.w ?? 0) + sp.row, 0);
  const target = Math.max(0, ...rows.map(rowWidth), ...input.nodes.map((n) => n.w), Math.min(bandWidth, Math.sqrt(bandWidth * 400)));

  const nodes: Record<string, AppBox> = {};
  const groups: Record<string, AppBox> = {};
  const left = sp.block / 2;
  const placeRows = (list: Piece[][], y0: number): number => {
    let y = y0;
    for (const row of list) {
      // Rows centred on the widest, so the band's middle is theirs.
      let x = left + (target - rowWidth(row)) / 2;
      for (const p of row) {
        for (const [m, b] of p.members) nodes[m] = { x: x + b.x, y: y + b.y, w: b.w, h: b.h };
        if (groupIds.has(p.id)) groups[p.id] = { x, y, w: p.w, h: p.h };
        x += p.w + sp.block;
      }
      y += Math.max(...row.map((p) => p.h)) + sp.block;
    }
    return y;
  };
  const above = rows.slice(0, Math.ceil(rows.length / 2));
  const below = rows.slice(above.length);
  let y = placeRows(above, sp.block / 2);
  if (shared && bandItems.length) {
    // The band is ordered by where each shared host's peers are, so its edges run about straight.
    placeRows(below, y + bandHeight(bandItems, byId, target, sp, shared.title.h) + sp.block);
    const inner = placeBand(bandItems, byId, input.edges, nodes, target - 2 * sp.pad, left + sp.pad, y + shared.title.h + sp.pad, sp);
    const w = Math.max(inner.w + 2 * sp.pad, shared.title.w + 2 * sp.pad);
    groups[shared.id] = { x: left + Math.max(0, (target - w) / 2), y, w, h: inner.h + shared.title.h + 2 * sp.pad };
    // Centre the band's members under its middle too.
    const shift = Math.max(0, (target - w) / 2);
    for (const id of bandItems) nodes[id].x += shift;
    y = placeRows(below, y + groups[shared.id].h + sp.block);
  } else y = placeRows(below, y);
  let width = left + target;
  let bottom = y - sp.block;
  if (loose.length) {
    const top = bottom + sp.block;
    const inner = placeBand(loose, byId, input.edges, nodes, target, left, top, sp);
    width = Math.max(width, left + inner.w);
    bottom = top + inner.h;
  }
  return { nodes, groups, width: Math.ceil(width + sp.block / 2), height: Math.ceil(bottom + sp.block / 2) };
}

/** A cluster's members in columns by depth (clients left, servers right), inside its padded box. */
function clusterPiece(g: AppLayoutGroup, byId: Map<string, AppLayoutNode>, edges: AppLayoutInput['edges'], sp: AppLayoutSpacing): Piece {
  const members = g.members.filter((m) => byId.has(m));
  const inside = new Set(members);
  const local = edges.filter((e) => e.source !== e.target && inside.has(e.source) && inside.has(e.target));
  const depth = depths(members, local, byId);
  const maxRows = Math.max(3, Math.ceil(Math.sqrt(members.length)));
  const layers: string[][] = [];
  for (const m of members) (layers[depth.get(m) ?? 0] ??= []).push(m);
  const neighbours = groupBy(bothWays(local), ([a]) => a);
  const rowOf = new Map<string, number>();
  const columns: string[][] = [];
  for (const layer of layers.filter((l) => l !== undefined)) {
    // Barycentre of the neighbours already placed, so a chain runs straight across; heaviest first otherwise.
    const bary = (m: string): number => {
      const placed = (neighbours.get(m) ?? []).map(([, x]) => rowOf.get(x)).filter((r): r is number => r !== undefined);
      return placed.length ? placed.reduce((s, r) => s + r, 0) / placed.length : Infinity;
    };
    const sorted = [...layer].sort((a, b) => bary(a) - bary(b) || (byId.get(b)?.weight ?? 0) - (byId.get(a)?.weight ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < sorted.length; i += maxRows) {
      const col = sorted.slice(i, i + maxRows);
      col.forEach((m, r) => rowOf.set(m, r));
      columns.push(col);
    }
  }
  const colW = columns.map((c) => Math.max(...c.map((m) => byId.get(m)?.w ?? 0)));
  const colH = columns.map((c) => c.reduce((s, m) => s + (byId.get(m)?.h ?? 0), 0) + sp.row * (c.length - 1));
  const innerH = Math.max(0, ...colH);
  const innerW = colW.reduce((s, w) => s + w, 0) + sp.column * Math.max(0, columns.length - 1);
  const top = g.title.h + sp.pad;
  const boxes = new Map<string, AppBox>();
  let x = sp.pad;
  columns.forEach((col, ci) => {
    // Centred in the cluster's height, each box centred in its column.
    let y = top + (innerH - colH[ci]) / 2;
    for (const m of col) {
      const n = byId.get(m) as AppLayoutNode;
      boxes.set(m, { x: x + (colW[ci] - n.w) / 2, y, w: n.w, h: n.h });
      y += n.h + sp.row;
    }
    x += colW[ci] + sp.column;
  });
  const w = Math.max(innerW + 2 * sp.pad, g.title.w + 2 * sp.pad);
  // Narrow members under a wide title: centre them.
  const shift = (w - innerW - 2 * sp.pad) / 2;
  if (shift > 0) for (const b of boxes.values()) b.x += shift;
  const weight = members.reduce((s, m) => s + (byId.get(m)?.weight ?? 0), 0);
  return { id: g.id, w, h: top + innerH + sp.pad, members: boxes, weight };
}

/**
 * Depth of each member in the cluster's client -> server order: longest path from the clients, cycles
 * broken at the node with the fewest callers left (then the heaviest, then by id), so it is stable.
 */
function depths(members: string[], edges: AppLayoutInput['edges'], byId: Map<string, AppLayoutNode>): Map<string, number> {
  const preds = new Map<string, Set<string>>(members.map((m) => [m, new Set<string>()]));
  const succs = new Map<string, Set<string>>(members.map((m) => [m, new Set<string>()]));
  for (const e of edges) {
    preds.get(e.target)?.add(e.source);
    succs.get(e.source)?.add(e.target);
  }
  const depth = new Map<string, number>();
  const left = new Set(members);
  const ready = (m: string): number => [...(preds.get(m) ?? [])].filter((p) => left.has(p)).length;
  while (left.size) {
    let next = [...left].filter((m) => ready(m) === 0);
    if (!next.length) {
      const pick = [...left].sort((a, b) => ready(a) - ready(b) || (byId.get(b)?.weight ?? 0) - (byId.get(a)?.weight ?? 0) || (a < b ? -1 : 1))[0];
      next = [pick];
    }
    for (const m of next) {
      const d = Math.max(-1, ...[...(preds.get(m) ?? [])].map((p) => depth.get(p) ?? -1)) + 1;
      depth.set(m, d);
      left.delete(m);
    }
  }
  return depth;
}

/** Heaviest piece first, then always the piece that talks most with the last one placed (else the heaviest left). */
function chainOrder(pieces: Piece[], edges: AppLayoutInput['edges'], pieceOf: Map<string, string>): Piece[] {
  const between = new Map<string, number>();
  const key = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  for (const e of edges) {
    const a = pieceOf.get(e.source);
    const b = pieceOf.get(e.target);
    if (a === undefined || b === undefined || a === b) continue;
    between.set(key(a, b), (between.get(key(a, b)) ?? 0) + e.weight);
  }
  const rest = [...pieces].sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1));
  const out: Piece[] = [];
  while (rest.length) {
    let best = 0;
    if (out.length) {
      const last = out[out.length - 1].id;
      let w = 0;
      rest.forEach((p, i) => {
        const t = between.get(key(last, p.id)) ?? 0;
        if (t > w) {
          w = t;
          best = i;
        }
      });
    }
    out.push(...rest.splice(best, 1));
  }
  return out;
}

/** Each edge as (one end, the other end), from both of its ends, in edge order. */
function bothWays(edges: AppLayoutInput['edges']): Array<[string, string]> {
  return edges.flatMap((e): Array<[string, string]> => [[e.source, e.target], [e.target, e.source]]);
}

/** Pieces in order, a row closed once it holds about `share` of the width (a piece is not split). */
function balancedRows(order: Piece[], share: number, gap: number): Piece[][] {
  const rows: Piece[][] = [];
  let width = Infinity;
  for (const p of order) {
    if (width + (p.w + gap) / 2 > share) {
      rows.push([p]);
      width = p.w + gap;
    } else {
      rows[rows.length - 1].push(p);
      width += gap + p.w;
    }
  }
  return rows;
}

/** Rows of boxes wrapped at `width`: how much room they take. */
function bandRows(items: string[], byId: Map<string, AppLayoutNode>, width: number, sp: AppLayoutSpacing): string[][] {
  const rows: string[][] = [];
  let x = Infinity;
  for (const id of items) {
    const w = byId.get(id)?.w ?? 0;
    if (x + sp.row + w > width && x !== 0) {
      rows.push([id]);
      x = w;
    } else {
      rows[rows.length - 1].push(id);
      x += sp.row + w;
    }
  }
  return rows;
}

function bandHeight(items: string[], byId: Map<string, AppLayoutNode>, target: number, sp: AppLayoutSpacing, titleH: number): number {
  const rows = bandRows(items, byId, target - 2 * sp.pad, sp);
  return titleH + 2 * sp.pad + rows.reduce((s, r) => s + Math.max(...r.map((id) => byId.get(id)?.h ?? 0)), 0) + sp.row * (rows.length - 1);
}

/**
 * A band of boxes in rows from (x, y), each box ordered by the mean x of the peers already placed, so
 * its edges drop roughly straight down (or up) to them; the heaviest first where that ties.
 */
function placeBand(items: string[], byId: Map<string, AppLayoutNode>, edges: AppLayoutInput['edges'], placed: Record<string, AppBox>, width: number, x0: number, y0: number, sp: AppLayoutSpacing): { w: number; h: number } {
  const mine = new Set(items);
  const peersX = groupBy(
    bothWays(edges).filter(([a, b]) => mine.has(a) && placed[b] && !mine.has(b)),
    ([a]) => a,
  );
  const meanX = (id: string): number => {
    const xs = (peersX.get(id) ?? []).map(([, b]) => placed[b].x + placed[b].w / 2);
    return xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : Infinity;
  };
  const sorted = [...items].sort((a, b) => meanX(a) - meanX(b) || (byId.get(b)?.weight ?? 0) - (byId.get(a)?.weight ?? 0) || (a < b ? -1 : 1));
  const rows = bandRows(sorted, byId, width, sp);
  let y = y0;
  let w = 0;
  for (const row of rows) {
    let x = x0;
    const h = Math.max(...row.map((id) => byId.get(id)?.h ?? 0));
    for (const id of row) {
      const n = byId.get(id) as AppLayoutNode;
      placed[id] = { x, y: y + (h - n.h) / 2, w: n.w, h: n.h };
      x += n.w + sp.row;
    }
    w = Math.max(w, x - sp.row - x0);
    y += h + sp.row;
  }
  return { w, h: rows.length ? y - sp.row - y0 : 0 };
}
