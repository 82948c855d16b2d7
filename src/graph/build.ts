/**
 * Edge rows (client host -> server host per service, as `flowmap top --by edges` returns them) ->
 * the dependency graph: names, grouping, --min-bytes, --top with the rest folded into "other" or
 * dropped. Pure: no store, no layout.
 */
import { rangeOf } from '../filter/cidr.js';
import type { NameBook } from '../names/names.js';
import type { EdgeRow } from '../store/store.js';
import { UsageError } from '../util/errors.js';
import { tryParseIp } from '../util/ip.js';
import type { GroupRules } from './groups.js';
import { addTraffic, type DepGraph, type GraphEdge, type GraphGroup, type GraphNode, type NodeKind } from './model.js';

export type GroupBy = { kind: 'host' } | { kind: 'group' } | { kind: 'subnet'; v4: number; v6: number };

export interface BuildOptions {
  groupBy: GroupBy;
  /** Keep the N heaviest edges (after grouping); 0 keeps all. */
  top: number;
  /** Edges (after grouping) below this many bytes are cut. */
  minBytes?: number;
  /** What happens to cut edges: folded into one "other" node, or dropped. */
  other: 'fold' | 'drop';
  names: NameBook;
  groups: GroupRules;
}

/** `host`, `group`, `subnet` (= /24 and /64), `subnet/16`, `subnet/16,48`. */
export function parseGroupBy(text: string): GroupBy {
  const t = text.trim().toLowerCase();
  if (t === 'host' || t === 'group') return { kind: t };
  const m = /^subnet(?:\/(\d{1,2})(?:,(\d{1,3}))?)?$/.exec(t);
  if (m) {
    const v4 = m[1] === undefined ? 24 : Number(m[1]);
    const v6 = m[2] === undefined ? (m[1] === undefined ? 64 : Math.min(128, v4 + 32)) : Number(m[2]);
    if (v4 > 32 || v6 > 128) throw new UsageError(`--group-by: ${JSON.stringify(text)}: prefix lengths are 0-32 (IPv4) and 0-128 (IPv6)`);
    return { kind: 'subnet', v4, v6 };
  }
  throw new UsageError(`--group-by: ${JSON.stringify(text)}: expected host, group, or subnet[/len[,v6len]] (e.g. subnet/24)`);
}

/** Most dependencies a map may keep (`--top`); 0 keeps all. */
export const MAX_TOP_EDGES = 100_000;

/** `--top N`: the N heaviest dependencies kept, 0 = all. */
export function parseTopEdges(text: string): number {
  const t = String(text).trim();
  if (!/^\d+$/.test(t) || Number(t) > MAX_TOP_EDGES) throw new UsageError(`--top: ${JSON.stringify(text)} is not a whole number from 0 to ${MAX_TOP_EDGES}`);
  return Number(t);
}

export function groupByText(g: GroupBy): string {
  return g.kind === 'subnet' ? `subnet/${g.v4},${g.v6}` : g.kind;
}

const OTHER_KEY = '\u0000other';

interface Agg extends Omit<GraphEdge, 'id' | 'source' | 'target'> {
  src: string;
  dst: string;
}

/** What the rows and the config say about one host. */
export interface HostInfo {
  name?: string;
  nameSource?: GraphNode['nameSource'];
  group?: string;
}

export function buildGraph(rows: readonly EdgeRow[], opts: BuildOptions): DepGraph {
  const hosts = describeHosts(rows, opts);
  // Node key of each host under the grouping: the host itself, its group, or its subnet.
  const keyOf = (addr: string): string => {
    const g = opts.groupBy;
    if (g.kind === 'group') return hosts.get(addr)?.group !== undefined ? `g:${hosts.get(addr)?.group}` : addr;
    if (g.kind === 'subnet') return `s:${subnetOf(addr, g)}`;
    return addr;
  };

  const aggs = new Map<string, Agg>();
  for (const r of rows) {
    const src = keyOf(r.client);
    const dst = keyOf(r.server);
    const k = `${src}\u0001${dst}\u0001${r.port}\u0001${r.proto}`;
    const a = aggs.get(k);
    if (a) {
      addTraffic(a, r);
      // Rows come heaviest first: a merged edge keeps the busiest known program.
      a.process ??= r.server_process;
    } else aggs.set(k, { src, dst, port: r.port, proto: r.proto, service: r.service, process: r.server_process, bytes_c2s: r.bytes_c2s, bytes_s2c: r.bytes_s2c, bytes: r.bytes, packets: r.packets, connections: r.connections, first_seen: r.first_seen, last_seen: r.last_seen });
  }
  const sorted = [...aggs.values()].sort((a, b) => b.bytes - a.bytes || cmp(a.src, b.src) || cmp(a.dst, b.dst) || a.port - b.port || cmp(a.proto, b.proto));
  const totalBytes = sorted.reduce((s, e) => s + e.bytes, 0);

  const kept: Agg[] = [];
  const cut: Agg[] = [];
  for (const e of sorted) {
    if ((opts.minBytes !== undefined && e.bytes < opts.minBytes) || (opts.top > 0 && kept.length >= opts.top)) cut.push(e);
    else kept.push(e);
  }
  const edgesOut = [...kept];
  if (opts.other === 'fold' && cut.length) {
    const present = new Set<string>();
    for (const e of kept) present.add(e.src).add(e.dst);
    // At most one folded edge per drawn node: its traffic as a client (node -> other), else as a
    // server (other -> node); traffic between two undrawn hosts stays inside "other".
    const folded = new Map<string, Agg>();
    const counts = new Map<string, number>();
    for (const e of cut) {
      const src = present.has(e.src) ? e.src : OTHER_KEY;
      const dst = src === OTHER_KEY ? (present.has(e.dst) ? e.dst : OTHER_KEY) : OTHER_KEY;
      const k = `${src}\u0001${dst}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      const a = folded.get(k);
      if (a) addTraffic(a, e);
      else folded.set(k, { ...e, src, dst, port: 0, proto: 'various', process: null });
    }
    for (const [k, a] of folded) a.service = `${counts.get(k)} more`;
    // Traffic among undrawn hosts only: a loop on "other" says nothing; its bytes stay in meta.cutBytes.
    folded.delete(`${OTHER_KEY}\u0001${OTHER_KEY}`);
    edgesOut.push(...[...folded.values()].sort((a, b) => b.bytes - a.bytes || cmp(a.src, b.src) || cmp(a.dst, b.dst)));
  }

  // Nodes: heaviest first (served + used), so ids and drawing order are stable for the same data.
  const traffic = new Map<string, { served: number; used: number }>();
  for (const e of edgesOut) {
    const s = traffic.get(e.src) ?? { served: 0, used: 0 };
    s.used += e.bytes;
    traffic.set(e.src, s);
    const d = traffic.get(e.dst) ?? { served: 0, used: 0 };
    d.served += e.bytes;
    traffic.set(e.dst, d);
  }
  const members = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const addr of [r.client, r.server]) {
      const k = keyOf(addr);
      const target = traffic.has(k) ? k : OTHER_KEY;
      if (!traffic.has(target)) continue;
      let set = members.get(target);
      if (!set) members.set(target, (set = new Set()));
      set.add(addr);
    }
  }
  const keys = [...traffic.keys()].sort((a, b) => {
    if (a === OTHER_KEY || b === OTHER_KEY) return a === OTHER_KEY ? 1 : -1;
    const ta = traffic.get(a) as { served: number; used: number };
    const tb = traffic.get(b) as { served: number; used: number };
    return tb.served + tb.used - (ta.served + ta.used) || cmp(a, b);
  });
  const idOf = new Map<string, string>();
  const nodes: GraphNode[] = keys.map((k, i) => {
    const id = `n${i + 1}`;
    idOf.set(k, id);
    const t = traffic.get(k) as { served: number; used: number };
    return makeNode(id, k, [...(members.get(k) ?? [])].sort(cmp), hosts, t);
  });

  const edges: GraphEdge[] = edgesOut.map((e, i) => {
    const { src, dst, ...rest } = e;
    return { id: `e${i + 1}`, source: idOf.get(src) as string, target: idOf.get(dst) as string, ...rest };
  });

  // Containers exist when nodes are hosts: the config's groups hold them.
  const groups: GraphGroup[] = [];
  if (opts.groupBy.kind === 'host') {
    const byName = new Map<string, GraphGroup>();
    for (const n of nodes) {
      const g = n.kind === 'host' ? hosts.get(n.key)?.group : undefined;
      if (g === undefined) continue;
      let grp = byName.get(g);
      if (!grp) {
        grp = { id: `g${byName.size + 1}`, name: g, members: [] };
        byName.set(g, grp);
        groups.push(grp);
      }
      grp.members.push(n.id);
      n.group = grp.id;
    }
  }

  return {
    nodes,
    edges,
    groups,
    meta: {
      groupBy: groupByText(opts.groupBy),
      totalEdges: sorted.length,
      totalBytes,
      cutEdges: cut.length,
      cutBytes: cut.reduce((s, e) => s + e.bytes, 0),
      other: opts.other,
    },
  };
}

function makeNode(id: string, key: string, addresses: string[], hosts: Map<string, HostInfo>, t: { served: number; used: number }): GraphNode {
  let kind: NodeKind;
  let label: string;
  let shownKey = key;
  if (key === OTHER_KEY) {
    kind = 'other';
    label = 'other';
    shownKey = 'other';
  } else if (key.startsWith('g:')) {
    kind = 'group';
    label = shownKey = key.slice(2);
  } else if (key.startsWith('s:')) {
    kind = 'subnet';
    label = shownKey = key.slice(2);
  } else {
    kind = 'host';
    label = key;
  }
  const node: GraphNode = { id, kind, key: shownKey, label, addresses, bytesServed: t.served, bytesUsed: t.used };
  if (kind === 'host') {
    const h = hosts.get(key);
    if (h?.name !== undefined) {
      node.name = h.name;
      node.nameSource = h.nameSource;
      node.label = h.name;
    }
  }
  return node;
}

/** Names and groups of every host in the rows (a host's services decide "serves" rules). */
export function describeHosts(rows: readonly EdgeRow[], opts: Pick<BuildOptions, 'names' | 'groups'>): Map<string, HostInfo> {
  const served = new Map<string, Array<{ port: number; proto: string }>>();
  const all = new Set<string>();
  for (const r of rows) {
    all.add(r.client);
    all.add(r.server);
    let s = served.get(r.server);
    if (!s) served.set(r.server, (s = []));
    if (!s.some((x) => x.port === r.port && x.proto === r.proto)) s.push({ port: r.port, proto: r.proto });
  }
  const out = new Map<string, HostInfo>();
  for (const address of all) {
    const n = opts.names.best(address);
    const info: HostInfo = {};
    if (n) {
      info.name = n.name;
      info.nameSource = n.source;
    }
    if (opts.groups.size) {
      const g = opts.groups.assign({ address, name: n?.name, served: served.get(address) ?? [] });
      if (g !== undefined) info.group = g;
    }
    out.set(address, info);
  }
  return out;
}

function subnetOf(addr: string, g: { v4: number; v6: number }): string {
  const w = tryParseIp(addr);
  if (!w) return addr;
  const v4 = w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
  return rangeOf(w, v4 ? 96 + g.v4 : g.v6).text + (v4 ? (g.v4 === 32 ? '/32' : '') : g.v6 === 128 ? '/128' : '');
}


function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
