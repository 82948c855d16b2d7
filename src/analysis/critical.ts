/**
 * `flowmap deps --critical`: hosts ranked by blast radius, the hosts that depend on each directly (its
 * clients) and transitively (their clients, and so on). These are the single points of failure a DR
 * plan must cover. Transitive counts for every host at once: the strongly connected components of the
 * host graph (members of a cycle all depend on each other), then reachability sets as bitsets swept
 * over the components in topological order.
 */
import { stronglyConnectedComponents } from 'graphology-components';
import { serviceLabel } from '../graph/model.js';
import { hostGraph } from './host-graph.js';
import { compareAddresses, hostRef, type Scope } from './scope.js';
import type { CriticalHost } from './types.js';

export type { CriticalHost } from './types.js';


export function criticalHosts(scope: Scope, limit: number): CriticalHost[] {
  const g = hostGraph(scope.rows);
  const total = transitiveDependents(g);
  const served = new Map<string, { clients: Set<string>; bytes: number; services: Map<string, number> }>();
  for (const r of scope.rows) {
    if (r.client === r.server) continue;
    let s = served.get(r.server);
    if (!s) served.set(r.server, (s = { clients: new Set(), bytes: 0, services: new Map() }));
    s.clients.add(r.client);
    s.bytes += r.bytes;
    const label = serviceLabel(r);
    s.services.set(label, (s.services.get(label) ?? 0) + r.bytes);
  }
  const rows: CriticalHost[] = [...served].map(([address, s]) => ({
    ...hostRef(scope, address),
    dependents_direct: s.clients.size,
    dependents_total: total.get(address) ?? 0,
    services: [...s.services].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([label]) => label),
    bytes: s.bytes,
  }));
  rows.sort((a, b) => b.dependents_total - a.dependents_total || b.dependents_direct - a.dependents_direct || b.bytes - a.bytes || compareAddresses(a.address, b.address));
  return rows.slice(0, limit);
}

/** For every host, how many other hosts reach it along client -> server edges. */
export function transitiveDependents(g: ReturnType<typeof hostGraph>): Map<string, number> {
  const comps = stronglyConnectedComponents(g);
  const compOf = new Map<string, number>();
  comps.forEach((members, i) => members.forEach((m) => compOf.set(m, i)));
  const n = comps.length;
  // Condensation edges client-component -> server-component, and in-degrees for Kahn's order.
  const succ: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  g.forEachEdge((_e, _a, client, server) => {
    const a = compOf.get(client) as number;
    const b = compOf.get(server) as number;
    if (a === b) return;
    succ[a].push(b);
    indeg[b]++;
  });
  const words = (n + 31) >>> 5;
  // reach[c]: components that depend on c (reach it), as a bitset; filled sources first.
  const reach = Array.from({ length: n }, () => new Uint32Array(words));
  const queue: number[] = [];
  for (let c = 0; c < n; c++) if (indeg[c] === 0) queue.push(c);
  for (let qi = 0; qi < queue.length; qi++) {
    const a = queue[qi];
    const ra = reach[a];
    for (const b of succ[a]) {
      const rb = reach[b];
      for (let w = 0; w < words; w++) rb[w] |= ra[w];
      rb[a >>> 5] |= 1 << (a & 31);
      if (--indeg[b] === 0) queue.push(b);
    }
  }
  const out = new Map<string, number>();
  for (let c = 0; c < n; c++) {
    let hosts = comps[c].length - 1; // the rest of its own cycle
    const rc = reach[c];
    for (let w = 0; w < words; w++) {
      let bits = rc[w];
      while (bits !== 0) {
        const low = bits & -bits;
        hosts += comps[(w << 5) + (31 - Math.clz32(low))].length;
        bits ^= low;
      }
    }
    for (const m of comps[c]) out.set(m, hosts);
  }
  return out;
}
