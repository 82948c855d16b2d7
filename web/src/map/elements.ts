/**
 * The API's graph -> Cytoscape elements with ids that stay the same from one fetch to the next (the
 * model's `n1`/`e1` ids are positions in one answer), so a live refetch updates the map in place.
 * Collapsed config groups become one node; their members' edges are rerouted to it and summed.
 */
import type { ElementDefinition } from 'cytoscape';
import type { DepGraph, GraphEdge, GraphNode } from '../../../src/api/types.js';
import { addTraffic, serviceLabel } from '../../../src/graph/model.js';
import { shorten } from '../../../src/export/labels.js';
import { formatBytes } from '../../../src/util/bytes.js';
import type { Palette } from './palette.js';

export const nodeId = (n: Pick<GraphNode, 'kind' | 'key'>): string => `N:${n.kind}:${n.key}`;
export const groupId = (name: string): string => `G:${name}`;

/** Data every drawn node carries (read by the style, the panels and the tests). */
export interface NodeData {
  id: string;
  kind: GraphNode['kind'] | 'container';
  key: string;
  label: string;
  /** Name/address shown as the label (may be empty when labels are thinned). */
  caption: string;
  bytes: number;
  bytesServed: number;
  bytesUsed: number;
  size: number;
  font: number;
  parent?: string;
  /** Members of a collapsed group. */
  members?: number;
  collapsed?: boolean;
  /** The shared services' container (application maps). */
  shared?: boolean;
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  /** Client and server node keys (addresses for hosts), for the edge detail. */
  client: string;
  server: string;
  clientKind: string;
  serverKind: string;
  port: number;
  proto: string;
  service: string | null;
  label: string;
  bytes: number;
  bytes_c2s: number;
  bytes_s2c: number;
  packets: number;
  connections: number;
  first_seen: string;
  last_seen: string;
  width: number;
  color: string;
  /** Folded "other" traffic or traffic summed through a collapsed group. */
  folded: boolean;
  /** How many model edges were summed into this one (collapsed groups). */
  parts: number;
  /** Compare mode: what changed on it, in words (diff-overlay.ts). */
  cmp?: string;
}

export interface BuiltElements {
  nodes: ElementDefinition[];
  edges: ElementDefinition[];
  /** Members hidden inside collapsed groups. */
  hidden: number;
}

/** Longest caption line drawn (characters); longer names end in an ellipsis. */
export const CAPTION_CHARS = 30;

/** Node diameter by traffic: square root of its share of the busiest node, 18-70 px. */
function sizeOf(bytes: number, max: number): number {
  return Math.round(18 + 52 * Math.sqrt(Math.max(0, bytes) / Math.max(1, max)));
}

/** Edge width on a log scale between the lightest and heaviest edge drawn: 1-9 px. */
export function widthOf(bytes: number, min: number, max: number): number {
  if (max <= min) return 3;
  const t = (Math.log(Math.max(1, bytes)) - Math.log(Math.max(1, min))) / (Math.log(max) - Math.log(Math.max(1, min)));
  return Math.round((1 + 8 * Math.min(1, Math.max(0, t))) * 10) / 10;
}

/**
 * Label font size: the heaviest nodes get big text, so with `min-zoomed-font-size` their labels stay
 * when zoomed out while small nodes' labels drop away.
 */
function fontOf(rank: number, count: number): number {
  if (count <= 60) return 12;
  if (count <= 400) return rank < 25 ? 18 : 11;
  // Big maps open zoomed far out: the 25 heaviest stay readable from zoom ~0.25, the next 75 from ~0.5.
  if (rank < 25) return 36;
  if (rank < 100) return 18;
  return 10;
}

export function buildElements(g: DepGraph, collapsed: ReadonlySet<string>, palette: Palette): BuiltElements {
  const groupName = new Map(g.groups.map((gr) => [gr.id, gr.name]));
  // Where each model node ends up: itself, or its collapsed group.
  const target = new Map<string, string>();
  const memberCount = new Map<string, number>();
  let hidden = 0;
  for (const n of g.nodes) {
    const gname = n.group !== undefined ? groupName.get(n.group) : undefined;
    if (gname !== undefined && collapsed.has(gname)) {
      target.set(n.id, groupId(gname));
      memberCount.set(gname, (memberCount.get(gname) ?? 0) + 1);
      hidden++;
    } else target.set(n.id, nodeId(n));
  }
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const total = (n: GraphNode): number => n.bytesServed + n.bytesUsed;
  const ranked = [...g.nodes].sort((a, b) => total(b) - total(a));
  const rank = new Map(ranked.map((n, i) => [n.id, i]));
  const maxNode = ranked.length ? total(ranked[0]) : 1;

  const nodes: ElementDefinition[] = [];
  const groupTotals = new Map<string, { served: number; used: number }>();
  for (const n of g.nodes) {
    const gname = n.group !== undefined ? groupName.get(n.group) : undefined;
    if (gname !== undefined && collapsed.has(gname)) {
      const t = groupTotals.get(gname) ?? { served: 0, used: 0 };
      t.served += n.bytesServed;
      t.used += n.bytesUsed;
      groupTotals.set(gname, t);
      continue;
    }
    const data: NodeData = {
      id: nodeId(n), kind: n.kind, key: n.key, label: n.label,
      // Long names end in an ellipsis; the tooltip and the panel show them whole.
      caption: n.kind === 'host' && n.name !== undefined ? `${shorten(n.label, CAPTION_CHARS)}\n${n.key}` : shorten(n.label, CAPTION_CHARS),
      bytes: total(n), bytesServed: n.bytesServed, bytesUsed: n.bytesUsed,
      size: sizeOf(total(n), maxNode), font: fontOf(rank.get(n.id) ?? 0, g.nodes.length),
    };
    if (gname !== undefined) data.parent = groupId(gname);
    nodes.push({ group: 'nodes', data });
  }
  for (const gr of g.groups) {
    const isCollapsed = collapsed.has(gr.name);
    const t = groupTotals.get(gr.name) ?? { served: 0, used: 0 };
    const bytes = t.served + t.used;
    const data: NodeData = {
      id: groupId(gr.name), kind: 'container', key: gr.name, label: gr.name,
      caption: isCollapsed ? `${shorten(gr.name, CAPTION_CHARS)}\n${memberCount.get(gr.name) ?? 0} hosts` : shorten(gr.name, CAPTION_CHARS),
      bytes, bytesServed: t.served, bytesUsed: t.used, size: isCollapsed ? Math.max(40, sizeOf(bytes, maxNode)) : 0, font: 14,
      members: gr.members.length, collapsed: isCollapsed, ...(gr.shared ? { shared: true } : {}),
    };
    nodes.push({ group: 'nodes', data, classes: isCollapsed ? 'collapsed' : 'expanded' });
  }

  // Edges: rerouted through collapsed groups and summed per (source, target, port, proto).
  const sums = new Map<string, { e: GraphEdge; src: string; dst: string; parts: number; folded: boolean }>();
  for (const e of g.edges) {
    const src = target.get(e.source);
    const dst = target.get(e.target);
    if (src === undefined || dst === undefined || src === dst) continue; // traffic inside a collapsed group
    const id = `E:${src}>${dst}>${e.port}/${e.proto}`;
    const cur = sums.get(id);
    const rerouted = src !== nodeId(byId.get(e.source) as GraphNode) || dst !== nodeId(byId.get(e.target) as GraphNode);
    if (!cur) sums.set(id, { e: { ...e }, src, dst, parts: 1, folded: e.proto === 'various' || rerouted });
    else {
      cur.parts++;
      cur.folded = true;
      addTraffic(cur.e, e);
    }
  }
  let min = Infinity;
  let max = 0;
  for (const s of sums.values()) {
    min = Math.min(min, s.e.bytes);
    max = Math.max(max, s.e.bytes);
  }
  const keyOf = (id: string): { key: string; kind: string } => {
    if (id.startsWith('G:')) return { key: id.slice(2), kind: 'container' };
    const m = /^N:([a-z]+):(.*)$/s.exec(id);
    return m ? { key: m[2], kind: m[1] } : { key: id, kind: 'host' };
  };
  // Edges of the shared services (application view) step back, so each application's own stand out.
  const sharedGroup = g.groups.find((gr) => gr.shared);
  const sharedEnds = new Set(sharedGroup ? [groupId(sharedGroup.name), ...g.nodes.filter((n) => n.group === sharedGroup.id).map((n) => nodeId(n))] : []);
  const edges: ElementDefinition[] = [];
  for (const [id, s] of sums) {
    const e = s.e;
    const c = keyOf(s.src);
    const v = keyOf(s.dst);
    const data: EdgeData = {
      id, source: s.src, target: s.dst, client: c.key, server: v.key, clientKind: c.kind, serverKind: v.kind,
      port: e.port, proto: e.proto, service: e.service,
      label: `${serviceLabel(e)} · ${formatBytes(e.bytes)}`,
      bytes: e.bytes, bytes_c2s: e.bytes_c2s, bytes_s2c: e.bytes_s2c, packets: e.packets, connections: e.connections,
      first_seen: e.first_seen, last_seen: e.last_seen,
      width: widthOf(e.bytes, min, max), color: palette.colorOf(e), folded: s.folded, parts: s.parts,
    };
    const classes = [e.proto === 'various' ? 'other' : '', sharedEnds.has(s.src) || sharedEnds.has(s.dst) ? 'shared-edge' : ''].filter(Boolean).join(' ');
    edges.push({ group: 'edges', data, classes: classes || undefined });
  }
  return { nodes, edges, hidden };
}
