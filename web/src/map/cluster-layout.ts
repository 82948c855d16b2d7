/**
 * Layout of big maps in two levels, because force layouts of 2,000 nodes and 10,000 edges take
 * seconds in the browser (fcose 'draft' ~2.3 s, d3-force ~1.4 s for 50 ticks on the bench machine):
 *  1. hosts are put in clusters: their config group, else their subnet (/24, /64; coarser prefixes
 *     when that gives too many clusters); each cluster is a disc with its hosts on a sunflower
 *     spiral, the heaviest in the middle;
 *  2. the clusters (at most MAX_CLUSTERS) are laid out with fcose as single nodes the size of their
 *     disc, with an edge wherever their hosts talk, so clusters that talk sit near each other.
 * Linear in hosts plus an fcose run over the clusters: tens of ms for 2,000 hosts.
 */
import cytoscape, { type Core, type ElementDefinition, type LayoutOptions, type Position } from 'cytoscape';
import { mulberry32 } from '../../../src/util/mulberry32.js';

export const MAX_CLUSTERS = 250;

/**
 * Run `fn` with Math.random replaced by a fixed-seed generator (mulberry32): fcose starts from
 * random positions (its spectral step samples at random), so the same graph would land elsewhere on
 * every load; seeded, a reload draws it where it was.
 */
export function seeded<T>(fn: () => T, seed = 0x2545f491): T {
  const random = Math.random;
  Math.random = mulberry32(seed);
  try {
    return fn();
  } finally {
    Math.random = random;
  }
}
const GOLDEN = Math.PI * (3 - Math.sqrt(5));

/** The prefix of an address at a level (0: /24 or /64, 1: /16 or /48, 2: /8 or /32); null if not an address. */
export function prefixOf(addr: string, level: number): string | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(addr)) return addr.split('.').slice(0, 3 - level).join('.');
  if (!addr.includes(':')) return null;
  const [head, tail = ''] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = addr.includes('::') && tail ? tail.split(':') : [];
  const full = addr.includes('::') ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return full.slice(0, 4 - level).join(':');
}

/** Cluster key of a node (element definition) at a level. */
function clusterOf(n: ElementDefinition, level: number): string {
  const d = n.data;
  if (d.parent) return `p:${d.parent as string}`;
  const kind = d.kind as string;
  const key = d.key as string;
  if (kind === 'other') return 'other';
  const addr = kind === 'subnet' ? key.replace(/\/\d+$/, '') : key;
  const p = prefixOf(addr, level);
  return p === null ? `k:${kind}:${key}` : `s:${p}`;
}

/**
 * Positions for the nodes of a big map, computed before they are added to Cytoscape (moving 2,000
 * drawn nodes afterwards costs a position event and edge updates each).
 */
export function clusterPositions(nodeDefs: readonly ElementDefinition[], edgeDefs: readonly ElementDefinition[], spacing = 30): Map<string, Position> {
  const nodes = nodeDefs.filter((n) => n.data.kind !== 'container');
  // The finest level that gives at most MAX_CLUSTERS clusters.
  let clusters = new Map<string, ElementDefinition[]>();
  for (let level = 0; level <= 2; level++) {
    clusters = new Map();
    for (const n of nodes) {
      const k = clusterOf(n, level);
      const list = clusters.get(k);
      if (list) list.push(n);
      else clusters.set(k, [n]);
    }
    if (clusters.size <= MAX_CLUSTERS) break;
  }
  const keys = [...clusters.keys()];
  const index = new Map(keys.map((k, i) => [k, i]));
  const clusterOfNode = new Map<string, number>();
  const radius: number[] = [];
  keys.forEach((k, i) => {
    const members = clusters.get(k) as ElementDefinition[];
    for (const n of members) clusterOfNode.set(n.data.id as string, i);
    radius.push(spacing * Math.sqrt(members.length) + spacing);
  });

  // Clusters as nodes, one edge per pair of clusters whose hosts talk.
  const pairs = new Set<string>();
  const els: ElementDefinition[] = keys.map((_k, i) => ({ group: 'nodes', data: { id: `c${i}`, w: 2 * radius[i] } }));
  for (const e of edgeDefs) {
    const a = clusterOfNode.get(e.data.source as string);
    const b = clusterOfNode.get(e.data.target as string);
    if (a === undefined || b === undefined || a === b) continue;
    const k = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (pairs.has(k)) continue;
    pairs.add(k);
    els.push({ group: 'edges', data: { id: `k${k}`, source: `c${a}`, target: `c${b}` } });
  }
  const centres: Position[] = keys.map(() => ({ x: 0, y: 0 }));
  if (keys.length > 1) {
    const meta = cytoscape({ headless: true, styleEnabled: true, elements: els, style: [{ selector: 'node', style: { width: 'data(w)', height: 'data(w)' } }] });
    const avg = radius.reduce((s, r) => s + r, 0) / radius.length;
    seeded(() => meta.layout({
      name: 'fcose', quality: keys.length <= 120 ? 'default' : 'draft', randomize: true, animate: false, fit: false,
      nodeSeparation: avg, idealEdgeLength: () => avg * 1.5, nodeRepulsion: () => 4500 * Math.max(1, avg / 40), numIter: 1500,
      tile: true, tilingPaddingVertical: avg / 2, tilingPaddingHorizontal: avg / 2,
    } as unknown as LayoutOptions).run());
    meta.nodes().forEach((n) => {
      centres[Number(n.id().slice(1))] = { ...n.position() };
    });
    meta.destroy();
    separate(centres, radius, spacing);
  }

  // Hosts on a sunflower spiral in their cluster's disc, heaviest first (in the middle).
  const pos = new Map<string, Position>();
  for (const [k, members] of clusters) {
    const c = centres[index.get(k) as number];
    members.sort((a, b) => (b.data.bytes as number) - (a.data.bytes as number));
    members.forEach((n, i) => {
      const r = spacing * Math.sqrt(i + 0.5);
      pos.set(n.data.id as string, { x: c.x + r * Math.cos(i * GOLDEN), y: c.y + r * Math.sin(i * GOLDEN) });
    });
  }
  return pos;
}

/** Push overlapping cluster discs apart (fcose keeps them near, not always clear of each other). */
function separate(c: Position[], r: readonly number[], gap: number): void {
  for (let round = 0; round < 60; round++) {
    let moved = false;
    for (let i = 0; i < c.length; i++) {
      for (let j = i + 1; j < c.length; j++) {
        const dx = c[j].x - c[i].x;
        const dy = c[j].y - c[i].y;
        const d = Math.hypot(dx, dy) || 0.01;
        const need = r[i] + r[j] + gap;
        if (d >= need) continue;
        const push = (need - d) / 2;
        const ux = dx / d;
        const uy = dy / d;
        c[i] = { x: c[i].x - ux * push, y: c[i].y - uy * push };
        c[j] = { x: c[j].x + ux * push, y: c[j].y + uy * push };
        moved = true;
      }
    }
    if (!moved) return;
  }
}

/**
 * cy.fit() from node centres only: cy.fit() measures every label and edge for the bounding box,
 * which costs over a second on a map of 10,000 edges.
 */
export function fitPositions(cy: Core, points: readonly Position[], padding: number): void {
  if (points.length === 0) return;
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (const p of points) {
    x1 = Math.min(x1, p.x);
    y1 = Math.min(y1, p.y);
    x2 = Math.max(x2, p.x);
    y2 = Math.max(y2, p.y);
  }
  const margin = 40; // node radius and a label line
  const w = cy.width();
  const h = cy.height();
  const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min((w - 2 * padding) / (x2 - x1 + 2 * margin || 1), (h - 2 * padding) / (y2 - y1 + 2 * margin || 1))));
  cy.viewport({ zoom, pan: { x: w / 2 - zoom * (x1 + x2) / 2, y: h / 2 - zoom * (y1 + y2) / 2 } });
}
