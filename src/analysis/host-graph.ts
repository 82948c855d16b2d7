/**
 * The host graph the analyses walk: one directed graphology edge per (client host, server host) pair,
 * carrying the pair's bytes (both directions) and its number of dependencies (distinct server port +
 * protocol). Nodes are added in address order, so every algorithm run on it is deterministic.
 */
import { DirectedGraph } from 'graphology';
import type { EdgeRow } from '../store/store.js';
import { compareAddresses } from './scope.js';

export interface PairAttributes {
  bytes: number;
  /** Dependencies (services) from this client to this server. */
  deps: number;
}

export type HostGraph = DirectedGraph<Record<string, never>, PairAttributes>;

export function hostGraph(rows: readonly EdgeRow[], keep: (address: string) => boolean = () => true): HostGraph {
  const g: HostGraph = new DirectedGraph({ allowSelfLoops: false });
  const addresses = new Set<string>();
  for (const r of rows) addresses.add(r.client).add(r.server);
  for (const a of [...addresses].sort(compareAddresses)) if (keep(a)) g.addNode(a);
  for (const r of rows) {
    if (r.client === r.server || !g.hasNode(r.client) || !g.hasNode(r.server)) continue;
    if (g.hasEdge(r.client, r.server)) {
      g.updateEdgeAttributes(r.client, r.server, (a) => ({ bytes: a.bytes + r.bytes, deps: a.deps + 1 }));
    } else {
      g.addEdge(r.client, r.server, { bytes: r.bytes, deps: 1 });
    }
  }
  return g;
}

/**
 * Hosts reached from `sources` along client -> server edges (`down`: what they depend on) or against
 * them (`up`: what depends on them), with the fewest hops to each; sources are at 0.
 */
export function hopDistances(g: HostGraph, sources: readonly string[], way: 'down' | 'up', depth: number | null): Map<string, number> {
  const dist = new Map<string, number>();
  let frontier = sources.filter((s) => g.hasNode(s));
  for (const s of frontier) dist.set(s, 0);
  for (let d = 1; frontier.length > 0 && (depth === null || d <= depth); d++) {
    const next: string[] = [];
    const visit = (v: string): void => {
      if (dist.has(v)) return;
      dist.set(v, d);
      next.push(v);
    };
    for (const u of frontier) {
      if (way === 'down') g.forEachOutNeighbor(u, visit);
      else g.forEachInNeighbor(u, visit);
    }
    frontier = next;
  }
  return dist;
}
