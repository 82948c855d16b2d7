/**
 * The undirected view of the hosts being planned: one weighted pair per two hosts that exchange
 * traffic in either direction, in index form (hosts numbered in address order) for the partitioning
 * loops, and as a graphology graph for community detection.
 */
import { UndirectedGraph } from 'graphology';
import louvainCjs from 'graphology-communities-louvain';
import { Prng } from '../../gen/prng.js';
import type { EdgeRow } from '../../store/store.js';

// A CommonJS module whose types declare an ES default export: imported, it is the function itself.
const louvain = louvainCjs as unknown as typeof louvainCjs.default;

export interface Pair {
  a: number;
  b: number;
  bytes: number;
  /** Dependencies (client, server, port, protocol) between the two, either way. */
  deps: number;
}

export interface PairGraph {
  hosts: string[];
  index: Map<string, number>;
  pairs: Pair[];
  /** Per host: [other host, pair index] of its pairs. */
  adj: Array<Array<[number, number]>>;
}

/** Pairs among `hosts` (address order); rows touching other hosts are left out. */
export function pairGraph(hosts: readonly string[], rows: readonly EdgeRow[]): PairGraph {
  const index = new Map(hosts.map((h, i) => [h, i]));
  const byKey = new Map<number, Pair>();
  const n = hosts.length;
  for (const r of rows) {
    const x = index.get(r.client);
    const y = index.get(r.server);
    if (x === undefined || y === undefined || x === y) continue;
    const [a, b] = x < y ? [x, y] : [y, x];
    const k = a * n + b;
    const p = byKey.get(k);
    if (p) {
      p.bytes += r.bytes;
      p.deps++;
    } else byKey.set(k, { a, b, bytes: r.bytes, deps: 1 });
  }
  const pairs = [...byKey.values()].sort((p, q) => p.a - q.a || p.b - q.b);
  const adj: Array<Array<[number, number]>> = Array.from({ length: n }, () => []);
  pairs.forEach((p, i) => {
    adj[p.a].push([p.b, i]);
    adj[p.b].push([p.a, i]);
  });
  return { hosts: [...hosts], index, pairs, adj };
}

/**
 * The weight the plan minimises across waves: a pair's share of all bytes plus its share of all
 * dependencies, so a heavy stream and a thin but real dependency both count (each objective weighs
 * the same in total).
 */
export function planWeights(g: PairGraph): Float64Array {
  let bytes = 0;
  let deps = 0;
  for (const p of g.pairs) {
    bytes += p.bytes;
    deps += p.deps;
  }
  return Float64Array.from(g.pairs, (p) => (bytes > 0 ? p.bytes / bytes : 0) + (deps > 0 ? p.deps / deps : 0));
}

/** Louvain communities (graphology) of the hosts under these pair weights; seeded, so deterministic. */
export function communities(g: PairGraph, weights: Float64Array, seed = 1, resolution = 1): Int32Array {
  const graph = new UndirectedGraph<Record<string, never>, { weight: number }>({ allowSelfLoops: false });
  g.hosts.forEach((_h, i) => graph.addNode(String(i)));
  g.pairs.forEach((p, i) => {
    if (weights[i] > 0) graph.addEdge(String(p.a), String(p.b), { weight: weights[i] });
  });
  const rng = new Prng(seed);
  const mapping = louvain(graph, { getEdgeWeight: 'weight', rng: () => rng.next(), resolution });
  // Renumber in order of first appearance (host order) so community ids are stable too.
  const renumber = new Map<number, number>();
  return Int32Array.from(g.hosts, (_h, i) => {
    const c = mapping[String(i)];
    let k = renumber.get(c);
    if (k === undefined) renumber.set(c, (k = renumber.size));
    return k;
  });
}
