/**
 * Applications as clusters for the map: hosts grouped by their config group where one is set, else by
 * the application the planning code finds (Louvain communities of the plan weights, without the
 * shared services), and the shared services apart. A cluster is named after its config group, or
 * after its most connected host (its name, else its address), so a user can name it in the config.
 */
import { communities, pairGraph, planWeights } from './plan/pairs.js';
import { detectShared } from './plan/shared.js';
import { compareAddresses, type Scope } from './scope.js';

export interface Clusters {
  /** Cluster name of each clustered host (hosts alone in their application are in none). */
  clusterOf: Map<string, string>;
  /** Shared services: drawn apart from every cluster. */
  shared: Set<string>;
}

export function applicationClusters(scope: Scope): Clusters {
  const all = [...scope.hosts.keys()].sort(compareAddresses);
  const shared = detectShared(all, scope.rows, new Set());
  const clusterOf = new Map<string, string>();
  for (const h of all) {
    const g = scope.hosts.get(h)?.group;
    if (g && !shared.has(h)) clusterOf.set(h, g);
  }
  const rest = all.filter((h) => !shared.has(h) && !clusterOf.has(h));
  const g = pairGraph(rest, scope.rows);
  const weights = planWeights(g);
  const comm = communities(g, weights);
  const strength = new Float64Array(rest.length);
  g.pairs.forEach((p, i) => {
    strength[p.a] += weights[i];
    strength[p.b] += weights[i];
  });
  const members = new Map<number, number[]>();
  comm.forEach((c, i) => members.set(c, [...(members.get(c) ?? []), i]));
  const taken = new Set(clusterOf.values());
  for (const list of members.values()) {
    if (list.length < 2) continue;
    const hub = list.reduce((best, i) => (strength[i] > strength[best] ? i : best), list[0]);
    const ref = scope.hosts.get(rest[hub]);
    let name = ref?.name ?? rest[hub];
    // Two clusters led by hosts of one name (or a group of that name) stay apart.
    for (let n = 2; taken.has(name); n++) name = `${ref?.name ?? rest[hub]} (${n})`;
    taken.add(name);
    for (const i of list) clusterOf.set(rest[i], name);
  }
  return { clusterOf, shared };
}
