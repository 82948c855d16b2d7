/**
 * `flowmap deps TARGET`: what TARGET depends on (down: the servers it calls, their servers, …), what
 * depends on it (up: its blast radius), or both, with the fewest hops to each host.
 */
import type { EdgeRow } from '../store/store.js';
import { hopDistances, hostGraph } from './host-graph.js';
import { compareAddresses, hostRef, type Scope } from './scope.js';
import type { ResolvedTarget } from './target.js';
import type { DepsDirection, DepsEdge, DepsHost, DepsResult } from './types.js';

export type { DepsDirection, DepsEdge, DepsHost, DepsResult } from './types.js';
export const DEPS_DIRECTIONS: readonly DepsDirection[] = ['down', 'up', 'both'];


export function dependencies(scope: Scope, target: ResolvedTarget, direction: DepsDirection, depth: number | null): DepsResult {
  const g = hostGraph(scope.rows);
  const sources = target.addresses;
  const ways = direction === 'both' ? (['down', 'up'] as const) : ([direction] as const);
  const hosts = new Map<string, DepsHost>();
  const edges = new Map<EdgeRow, DepsEdge>();
  for (const way of ways) {
    const dist = hopDistances(g, sources, way, depth);
    for (const [address, distance] of dist) {
      if (distance === 0) continue;
      const seen = hosts.get(address);
      if (!seen) hosts.set(address, { ...hostRef(scope, address), distance, relation: way });
      else {
        seen.relation = 'both';
        seen.distance = Math.min(seen.distance, distance);
      }
    }
    for (const r of scope.rows) {
      // Down: an edge leaves a reached client; up: it arrives at a reached server.
      const [from, to] = way === 'down' ? [r.client, r.server] : [r.server, r.client];
      const d = dist.get(from);
      if (d === undefined || !dist.has(to) || (depth !== null && d + 1 > depth) || r.client === r.server) continue;
      const e = edges.get(r);
      if (!e) edges.set(r, { ...r, distance: d + 1 });
      else e.distance = Math.min(e.distance, d + 1);
    }
  }
  return {
    target: target.text,
    targets: sources.map((a) => hostRef(scope, a)),
    direction,
    depth,
    hosts: [...hosts.values()].sort((a, b) => a.distance - b.distance || compareAddresses(a.address, b.address)),
    edges: [...edges.values()].sort(
      (a, b) => a.distance - b.distance || b.bytes - a.bytes || compareAddresses(a.client, b.client) || compareAddresses(a.server, b.server) || a.port - b.port || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : 0),
    ),
  };
}
