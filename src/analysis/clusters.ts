/**
 * Applications as clusters for the map: hosts grouped by their config group where one is set, else by
 * the application the planning code finds (plan/applications.ts), and the shared services apart. A
 * cluster is named after its config group, or after its most connected host (its name, else its
 * address), so a user can name it in the config.
 */
import { findApplications } from './plan/applications.js';
import { planWeights } from './plan/pairs.js';
import { compareAddresses, type Scope } from './scope.js';

export interface Clusters {
  /** Cluster name of each clustered host (hosts alone in their application are in none). */
  clusterOf: Map<string, string>;
  /** Shared services: drawn apart from every cluster. */
  shared: Set<string>;
}

export function applicationClusters(scope: Scope): Clusters {
  const all = [...scope.hosts.keys()].sort(compareAddresses);
  // A host the config puts in a group stays in it, shared or not.
  const grouped = new Set(all.filter((h) => scope.hosts.get(h)?.group));
  const { shared, apps, hosts, graph } = findApplications(all, scope.rows, grouped);
  const clusterOf = new Map<string, string>();
  for (const h of hosts) {
    const g = scope.hosts.get(h)?.group;
    if (g) clusterOf.set(h, g);
  }
  const weights = planWeights(graph);
  const strength = new Float64Array(hosts.length);
  graph.pairs.forEach((p, i) => {
    strength[p.a] += weights[i];
    strength[p.b] += weights[i];
  });
  const taken = new Set(clusterOf.values());
  for (const app of apps) {
    const list = app.filter((i) => !clusterOf.has(hosts[i]));
    if (list.length < 2) continue;
    const hub = list.reduce((best, i) => (strength[i] > strength[best] ? i : best), list[0]);
    const ref = scope.hosts.get(hosts[hub]);
    let name = ref?.name ?? hosts[hub];
    // Two clusters led by hosts of one name (or a group of that name) stay apart.
    for (let n = 2; taken.has(name); n++) name = `${ref?.name ?? hosts[hub]} (${n})`;
    taken.add(name);
    for (const i of list) clusterOf.set(hosts[i], name);
  }
  return { clusterOf, shared };
}
