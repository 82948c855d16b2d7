/**
 * deps and plan answers as dependency maps (the one graph model), so `-f FORMAT` draws them with any
 * export format: the sub-map of a deps answer, and the whole map of a plan with one container per
 * wave and one for the shared services.
 */
import { buildGraph } from '../graph/build.js';
import type { GroupRules } from '../graph/groups.js';
import type { DepGraph, GraphGroup } from '../graph/model.js';
import type { Clusters } from './clusters.js';
import type { DepsResult } from './deps.js';
import type { PlanResult } from './plan/plan.js';
import type { Scope } from './scope.js';

const SHARED = 'shared services';

export function depsGraph(scope: Scope, result: DepsResult, groups: GroupRules): DepGraph {
  return buildGraph(result.edges, { groupBy: { kind: 'host' }, top: 0, other: 'drop', names: scope.names, groups });
}

export function planGraph(scope: Scope, plan: PlanResult, groups: GroupRules): DepGraph {
  const graph = buildGraph(scope.rows, { groupBy: { kind: 'host' }, top: 0, other: 'drop', names: scope.names, groups });
  const containerOf = new Map<string, string>();
  const containers: GraphGroup[] = plan.waves.map((w) => ({ id: `g${w.wave}`, name: `wave ${w.wave}`, members: [] }));
  plan.waves.forEach((w, i) => w.hosts.forEach((h) => containerOf.set(h.address, containers[i].id)));
  if (plan.shared.length) {
    const id = `g${containers.length + 1}`;
    containers.push({ id, name: SHARED, members: [], shared: true });
    for (const s of plan.shared) containerOf.set(s.address, id);
  }
  const byId = new Map(containers.map((c) => [c.id, c]));
  for (const n of graph.nodes) {
    delete n.group;
    const id = containerOf.get(n.key);
    if (id === undefined) continue;
    n.group = id;
    byId.get(id)?.members.push(n.id);
  }
  graph.groups = containers.filter((c) => c.members.length > 0);
  return graph;
}

/** The map's hosts in containers per application cluster, and one for the shared services. */
export function clusterGraph(graph: DepGraph, clusters: Clusters): DepGraph {
  const containers = new Map<string, GraphGroup>();
  const containerFor = (name: string): GraphGroup => {
    let c = containers.get(name);
    if (!c) containers.set(name, (c = { id: `g${containers.size + 1}`, name, members: [] }));
    return c;
  };
  for (const n of graph.nodes) {
    delete n.group;
    if (n.kind !== 'host') continue;
    const name = clusters.shared.has(n.key) ? SHARED : clusters.clusterOf.get(n.key);
    if (name === undefined) continue;
    const c = containerFor(name === SHARED ? `\u0000${SHARED}` : name);
    c.members.push(n.id);
    n.group = c.id;
  }
  // The shared services' container is named plainly, and listed last.
  const list = [...containers.entries()].sort((a, b) => Number(a[0].startsWith('\u0000')) - Number(b[0].startsWith('\u0000'))).map(([k, c]) => (k.startsWith('\u0000') ? { ...c, name: SHARED, shared: true } : c));
  return { ...graph, groups: list };
}
