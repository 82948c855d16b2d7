/**
 * The applications of an estate and its shared services, found from the traffic alone; one answer
 * for `plan --shared auto` and for the map's application clusters.
 *
 *  1. The structural test (shared.ts) finds the services every application uses.
 *  2. Applications are Louvain communities of the plan weights among the rest, found without the
 *     possible hubs and refined (Louvain's resolution limit merges small applications that call each
 *     other: 40 generated applications came out as 15 communities).
 *  3. A role test finds the shared hosts the structural test cannot tell, because fewer than three
 *     applications use them: a second DNS server serving half of a small estate, the scraper of an
 *     estate of four. Found ones are taken out and the applications found again.
 * On generated estates of 3 to 400 applications (bench/, and the tests): every shared host is found
 * from 6 applications up (6 of 9 with 3 or 4: a server that serves one application is that
 * application's, by its traffic), and no application is split or merged from 5 up to 40.
 */
import type { EdgeRow } from '../../store/store.js';
import { groupBy } from '../../util/group.js';
import { communities, pairGraph, planWeights, type Pair, type PairGraph } from './pairs.js';
import { detectShared } from './shared.js';

export interface Applications {
  shared: Set<string>;
  /** Hosts of each application (indices into `hosts`), shared hosts left out. */
  apps: number[][];
  /** The hosts (not shared) and their pair graph, for whoever names the applications. */
  hosts: string[];
  graph: PairGraph;
}

/** Rounds of "find the applications, take out the shared hosts they reveal". */
const MAX_ROUNDS = 4;

/** `exempt` hosts are never taken for shared (those a plan constraint names). */
export function findApplications(all: readonly string[], rows: readonly EdgeRow[], exempt: ReadonlySet<string>): Applications {
  const shared = detectShared(all, rows, exempt);
  let hosts: string[] = [];
  let graph = pairGraph([], rows);
  let apps: number[][] = [];
  // Found shared hosts glue applications together: find the applications again without them.
  for (let round = 0; round < MAX_ROUNDS; round++) {
    hosts = all.filter((h) => !shared.has(h));
    graph = pairGraph(hosts, rows);
    // Each host's bytes and peers on either side, read once per round for both steps.
    const roles = rolesOf(hosts, rows);
    apps = communitiesWithoutHubs(graph, roles, rows);
    const more = sharedByRole(hosts, apps, roles, exempt);
    for (const i of more) shared.add(hosts[i]);
    if (!more.size) break;
    if (round === MAX_ROUNDS - 1) apps = apps.map((list) => list.filter((i) => !more.has(i)));
  }
  return { shared, apps, hosts, graph };
}

/**
 * Two parts of a community come apart when the links between them weigh at most this share of the
 * smaller one's links inside. On the generated estates, applications joined by their thin calls
 * measure 0.2-0.3, and the halves of one application 0.9 or more.
 */
export const SPLIT_MAX_CUT = 0.5;

/**
 * Louvain's resolution limit merges small applications that call each other (40 generated
 * applications came out as 15 communities): split each community again by Louvain on its own hosts,
 * keep together the parts that talk much, and repeat on what comes apart.
 */
function refine(g: PairGraph, weights: Float64Array, members: number[], out: number[][], depth = 0): void {
  if (members.length >= 4 && depth < 8) {
    const local = new Map(members.map((m, i) => [m, i]));
    const pairs: Pair[] = [];
    const w: number[] = [];
    const adj: PairGraph['adj'] = members.map(() => []);
    for (const m of members) {
      for (const [o, pi] of g.adj[m]) {
        const j = local.get(o);
        if (j === undefined || o < m) continue;
        const a = local.get(m) as number;
        adj[a].push([j, pairs.length]);
        adj[j].push([a, pairs.length]);
        pairs.push({ ...g.pairs[pi], a, b: j });
        w.push(weights[pi]);
      }
    }
    const hosts = members.map((m) => g.hosts[m]);
    const sub: PairGraph = { hosts, index: new Map(hosts.map((h, i) => [h, i])), pairs, adj };
    const comm = communities(sub, Float64Array.from(w));
    const count = Math.max(-1, ...comm) + 1;
    const inside = new Float64Array(count);
    const between = new Map<number, number>();
    pairs.forEach((p, i) => {
      const [c, d] = [comm[p.a], comm[p.b]].sort((x, y) => x - y);
      if (c === d) inside[c] += w[i];
      else between.set(c * count + d, (between.get(c * count + d) ?? 0) + w[i]);
    });
    // Parts that talk much stay together (an application Louvain cut in two); the rest come apart.
    const root = Array.from({ length: count }, (_, i) => i);
    const find = (x: number): number => (root[x] === x ? x : (root[x] = find(root[x])));
    for (const [k, cut] of between) {
      const [c, d] = [Math.floor(k / count), k % count];
      if (cut > SPLIT_MAX_CUT * Math.min(inside[c], inside[d])) root[find(c)] = find(d);
    }
    const split = groupBy(comm.keys(), (i) => find(comm[i]));
    if (split.size > 1) {
      for (const part of split.values()) refine(g, weights, part.map((i) => members[i]), out, depth + 1);
      return;
    }
  }
  out.push(members);
}

/** Peers on its main side from which a host might be a shared one, and is left out of the first search. */
const HUB_PEERS = 4;

/**
 * Applications among the graph's hosts (indices): Louvain, refined, on every host but the possible
 * hubs (mostly a server to 4 or more clients, or mostly a client of 4 or more servers: a backup
 * server pulling from every database would otherwise glue the databases together), then each hub
 * joins the application that holds most of its bytes, where sharedByRole can judge it.
 */
function communitiesWithoutHubs(g: PairGraph, r: Roles, rows: readonly EdgeRow[]): number[][] {
  const hub = g.hosts.map((_h, i) => (mainSide(r, i, 0) && r.peers[0][i].size >= HUB_PEERS) || (mainSide(r, i, 1) && r.peers[1][i].size >= HUB_PEERS));
  const core = g.hosts.flatMap((_h, i) => (hub[i] ? [] : [i]));
  const sub = pairGraph(core.map((i) => g.hosts[i]), rows);
  const subWeights = planWeights(sub);
  const comm = communities(sub, subWeights);
  const members = groupBy(core.keys(), (i) => comm[i]);
  const found: number[][] = [];
  for (const list of members.values()) refine(sub, subWeights, list, found);
  const parts = found.map((list) => list.map((i) => core[i]));
  const partOf = new Int32Array(g.hosts.length).fill(-1);
  parts.forEach((list, p) => list.forEach((i) => (partOf[i] = p)));
  g.hosts.forEach((_h, i) => {
    if (!hub[i]) return;
    const bytes = new Map<number, number>();
    for (const [o, pi] of g.adj[i]) if (partOf[o] >= 0) bytes.set(partOf[o], (bytes.get(partOf[o]) ?? 0) + g.pairs[pi].bytes);
    const best = [...bytes.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0];
    if (best) parts[best[0]].push(i);
    else parts.push([i]);
  });
  return parts;
}

/** Share of a host's bytes on one side (server, or client) for it to count as having that role. */
const ROLE_SHARE = 0.75;
/** Most of a shared host's bytes one application may hold. */
const ROLE_MAX_SHARE = 0.6;

interface Roles {
  /** Bytes as a server, and as a client, with hosts of the list. */
  served: Float64Array;
  used: Float64Array;
  /** Per side (0: a host's clients, 1: its servers): each peer (index) and the bytes with it. */
  peers: [Array<Map<number, number>>, Array<Map<number, number>>];
}

function rolesOf(hosts: string[], rows: readonly EdgeRow[]): Roles {
  const index = new Map(hosts.map((h, i) => [h, i]));
  const r: Roles = { served: new Float64Array(hosts.length), used: new Float64Array(hosts.length), peers: [hosts.map(() => new Map()), hosts.map(() => new Map())] };
  for (const row of rows) {
    const s = index.get(row.server);
    const c = index.get(row.client);
    if (s === undefined || c === undefined || s === c) continue;
    r.served[s] += row.bytes;
    r.used[c] += row.bytes;
    r.peers[0][s].set(c, (r.peers[0][s].get(c) ?? 0) + row.bytes);
    r.peers[1][c].set(s, (r.peers[1][c].get(s) ?? 0) + row.bytes);
  }
  return r;
}

/** Host i has the role of this side (0: server, 1: client): most of its bytes are on it. */
function mainSide(r: Roles, i: number, side: 0 | 1): boolean {
  return (side === 0 ? r.served[i] : r.used[i]) >= ROLE_SHARE * (r.served[i] + r.used[i]);
}

/**
 * Shared hosts the structural test (plan/shared.ts) cannot tell because fewer than three applications
 * use them (a second DNS, NTP or LDAP server serving half of a small estate; the scraper of an estate
 * of four): hosts that are mostly servers (or mostly clients) whose peers come two or more at a time
 * from two or more of the applications found, none of which holds most of their bytes. An
 * application's own servers have their clients in their own application; a web tier called by its
 * neighbour has them in one other.
 */
function sharedByRole(hosts: string[], parts: number[][], r: Roles, exempt: ReadonlySet<string>): Set<number> {
  const partOf = new Int32Array(hosts.length).fill(-1);
  parts.forEach((list, p) => list.forEach((i) => (partOf[i] = p)));
  const out = new Set<number>();
  for (const side of [0, 1] as const) {
    r.peers[side].forEach((peers, h) => {
      if (peers.size === 0 || exempt.has(hosts[h]) || !mainSide(r, h, side)) return;
      // Per application: how many of the host's peers sit in it, and their bytes.
      const byPart = new Map<number, { hosts: number; bytes: number }>();
      for (const [peer, bytes] of peers) {
        const e = byPart.get(partOf[peer]) ?? { hosts: 0, bytes: 0 };
        byPart.set(partOf[peer], e);
        e.hosts++;
        e.bytes += bytes;
      }
      const apps = [...byPart.entries()].filter(([p, e]) => p >= 0 && e.hosts >= 2);
      if (apps.length < 2) return;
      const mine = side === 0 ? r.served[h] : r.used[h];
      if (Math.max(...[...byPart.values()].map((e) => e.bytes)) <= ROLE_MAX_SHARE * mine) out.add(h);
    });
  }
  return out;
}
