/**
 * The one dependency-graph model: every export format and the web app draw this. Nodes are hosts,
 * groups of hosts, subnets, or the "other" node; edges go from client to server per service.
 * Built by build.ts from edge rows, laid out (separately) by layout.ts, rendered by src/export/.
 */
import type { NameSource } from '../names/names.js';

export type NodeKind = 'host' | 'group' | 'subnet' | 'other';

export interface GraphNode {
  /** Safe identifier in every target format: `n` + digits. */
  id: string;
  kind: NodeKind;
  /** What the node stands for: an address, a group name, a subnet (`10.0.0.0/24`), or `other`. */
  key: string;
  /** Display text: the host's name, else its address; the group or subnet otherwise. */
  label: string;
  /** The best name and where it came from (hosts only). */
  name?: string;
  nameSource?: NameSource;
  /** Addresses inside the node (one for a host), sorted. */
  addresses: string[];
  /** The container (GraphGroup.id) it is drawn in, if any. */
  group?: string;
  /** Traffic where this node is the server (bytes in both directions). */
  bytesServed: number;
  /** Traffic where this node is the client. */
  bytesUsed: number;
}

export interface GraphEdge {
  id: string;
  /** Node ids: source = client side, target = server side. */
  source: string;
  target: string;
  /** Server port and protocol name; port 0 and proto `various` for folded "other" traffic. */
  port: number;
  proto: string;
  service: string | null;
  /** The program listening on the server side (from `flowmap agent`), null when unknown. */
  process: string | null;
  bytes_c2s: number;
  bytes_s2c: number;
  bytes: number;
  packets: number;
  connections: number;
  first_seen: string;
  last_seen: string;
}

/** A container: hosts put together by the config's group rules. */
export interface GraphGroup {
  id: string;
  name: string;
  /** Node ids inside, in node order. */
  members: string[];
  /** The shared services' container (application and plan maps): drawn apart, as a band. */
  shared?: boolean;
}

export interface GraphMeta {
  groupBy: string;
  /** Edges (after grouping) before --top / --min-bytes. */
  totalEdges: number;
  totalBytes: number;
  /** Edges beyond --top or below --min-bytes, and their bytes: folded into "other" or dropped. */
  cutEdges: number;
  cutBytes: number;
  other: 'fold' | 'drop';
}

export interface DepGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
  meta: GraphMeta;
}

/** The traffic figures of an edge, summed when edges are merged. */
export type EdgeTraffic = Pick<GraphEdge, 'bytes_c2s' | 'bytes_s2c' | 'bytes' | 'packets' | 'connections' | 'first_seen' | 'last_seen'>;

/** Add `r`'s traffic into `a` (grouping on the server, collapsing groups in the page). */
export function addTraffic(a: EdgeTraffic, r: EdgeTraffic): void {
  a.bytes_c2s += r.bytes_c2s;
  a.bytes_s2c += r.bytes_s2c;
  a.bytes += r.bytes;
  a.packets += r.packets;
  a.connections += r.connections;
  if (r.first_seen < a.first_seen) a.first_seen = r.first_seen;
  if (r.last_seen > a.last_seen) a.last_seen = r.last_seen;
}

/**
 * `influxd 8086/tcp` where an agent saw the program listening, else `https 443/tcp` (the service
 * registry's name for the port), `443/tcp`, or `other` for folded traffic.
 */
export function serviceLabel(e: Pick<GraphEdge, 'port' | 'proto' | 'service'> & { process?: string | null; server_process?: string | null }): string {
  if (e.proto === 'various') return e.service ?? 'other';
  const pp = e.port === 0 ? e.proto : `${e.port}/${e.proto}`;
  const name = e.process ?? e.server_process ?? e.service;
  return name ? `${name} ${pp}` : pp;
}
