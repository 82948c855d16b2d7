/**
 * Flows -> the programs behind them, from `flowmap agent` socket periods: the one matching rule for
 * top, the maps, deps, plan, the API and the page.
 *
 * - A flow's server process listened on (server address, server port, proto) during the flow. A
 *   wildcard listener is stored once per address of its host, so this is an equality.
 * - Its client process owned a connection from the client address (and, for a single conversation,
 *   the client port) to the server's address and port during the flow; only an agent on the client
 *   host sees that.
 *
 * "During" allows one snapshot period either side of a socket period: the agent saw the socket at
 * its snapshots only, and it lived somewhere around them.
 */
import type { FlowFilter } from '../filter/filter.js';
import type { ConversationRow, EdgeRow, ServiceRow, SocketQuery, SocketRow, Store } from '../store/store.js';

interface Period {
  first: number;
  last: number;
  comm: string;
  localPort: number;
}

/** A socket period's name for people: the process name, else the executable's base name. */
export function processName(r: Pick<SocketRow, 'comm' | 'exe'>): string | null {
  if (r.comm !== '') return r.comm;
  if (r.exe !== '') return r.exe.slice(r.exe.lastIndexOf('/') + 1) || null;
  return null;
}

function overlap(p: Period, first: number, last: number, slack: number): number {
  const lo = Math.max(p.first - slack, first);
  const hi = Math.min(p.last + slack, last);
  return hi - lo;
}

/** Socket periods indexed for matching flows against them. */
export class ProcessIndex {
  private readonly listeners = new Map<string, Array<Period & { slack: number }>>();
  private readonly connections = new Map<string, Array<Period & { slack: number }>>();

  constructor(rows: readonly SocketRow[]) {
    for (const r of rows) {
      const comm = processName(r);
      if (comm === null) continue;
      const p = { first: r.first_seen, last: r.last_seen, comm, localPort: r.local_port, slack: r.interval_ms };
      const key = r.state === 'listen' ? `${r.address}|${r.local_port}|${r.proto}` : `${r.address}|${r.remote_addr}|${r.remote_port}|${r.proto}`;
      const map = r.state === 'listen' ? this.listeners : this.connections;
      const list = map.get(key);
      if (list) list.push(p);
      else map.set(key, [p]);
    }
  }

  get empty(): boolean {
    return this.listeners.size === 0 && this.connections.size === 0;
  }

  /** The listener on (server, port, proto) that overlaps [firstMs, lastMs] most; null when none does. */
  server(server: string, port: number, proto: string, firstMs: number, lastMs: number): string | null {
    return best(this.listeners.get(`${server}|${port}|${proto}`), firstMs, lastMs);
  }

  /**
   * The program behind the client side: with `clientPort`, the one that owned that port; without
   * (an edge, many conversations), the one behind most of the matching connections.
   */
  client(client: string, clientPort: number | null, server: string, port: number, proto: string, firstMs: number, lastMs: number): string | null {
    const list = this.connections.get(`${client}|${server}|${port}|${proto}`);
    if (!list) return null;
    if (clientPort !== null) return best(list.filter((p) => p.localPort === clientPort), firstMs, lastMs);
    const votes = new Map<string, number>();
    for (const p of list) if (overlap(p, firstMs, lastMs, p.slack) >= 0) votes.set(p.comm, (votes.get(p.comm) ?? 0) + 1);
    let name: string | null = null;
    let most = 0;
    for (const [comm, n] of votes) if (n > most || (n === most && name !== null && comm < name)) [name, most] = [comm, n];
    return name;
  }
}

function best(list: ReadonlyArray<Period & { slack: number }> | undefined, firstMs: number, lastMs: number): string | null {
  if (!list) return null;
  let name: string | null = null;
  let most = -Infinity;
  for (const p of list) {
    const o = overlap(p, firstMs, lastMs, p.slack);
    // Ties go to the later period (a restarted service answers under its new process).
    if (o >= 0 && o >= most) [name, most] = [p.comm, o];
  }
  return name;
}

/**
 * Socket periods are read for the filter's window widened by this much each side: a period is matched
 * with a slack of one snapshot period, which a day bounds generously.
 */
const DAY = 86_400_000;

/** The filter's window as socket-query bounds, widened by `slack` each side. */
function socketWindow(filter: Pick<FlowFilter, 'since' | 'until'>, slack: number): Pick<SocketQuery, 'sinceMs' | 'untilMs'> {
  return {
    ...(filter.since === undefined ? {} : { sinceMs: filter.since - slack }),
    ...(filter.until === undefined ? {} : { untilMs: filter.until + slack }),
  };
}

/** The socket periods of these addresses that can touch the filter's time window. */
export async function loadProcessIndex(store: Store, addresses: Iterable<string>, filter: Pick<FlowFilter, 'since' | 'until'>): Promise<ProcessIndex> {
  const list = [...new Set(addresses)];
  if (list.length === 0) return new ProcessIndex([]);
  const rows = await store.sockets({ addresses: list, ...socketWindow(filter, DAY) });
  return new ProcessIndex(rows);
}

/** Fill server_process and client_process of edges or conversations in place. */
export async function attachProcesses(store: Store, rows: Array<EdgeRow | ConversationRow>, filter: Pick<FlowFilter, 'since' | 'until'>): Promise<void> {
  if (rows.length === 0) return;
  const index = await loadProcessIndex(store, rows.flatMap((r) => [r.client, r.server]), filter);
  if (index.empty) return;
  for (const r of rows) {
    const first = Date.parse(r.first_seen);
    const last = Date.parse(r.last_seen);
    r.server_process = index.server(r.server, r.port, r.proto, first, last);
    r.client_process = index.client(r.client, 'client_port' in r ? r.client_port : null, r.server, r.port, r.proto, first, last);
  }
}

/** Servers looked at per service list: the busiest this many edges of those ports. */
const SERVICE_EDGES = 100_000;

/**
 * Fill each service's `processes`: the programs its edges were served by (the edge rule above, so
 * a program counts only where it listened while the traffic flowed), most servers first. One edge
 * query for all the services, then one socket query.
 */
export async function attachServiceProcesses(store: Store, rows: ServiceRow[], filter: FlowFilter): Promise<void> {
  if (rows.length === 0) return;
  const ports = [...new Set(rows.map((r) => r.port))];
  // Without an agent's listener on these ports there is nothing to name: spare the edge query.
  if ((await store.sockets({ state: 'listen', ports, ...socketWindow(filter, DAY) })).length === 0) return;
  const edges = await store.top('edges', { ...filter, ports, minBytes: undefined, limit: SERVICE_EDGES });
  await attachProcesses(store, edges, filter);
  const servers = new Map<string, Map<string, Set<string>>>();
  for (const e of edges) {
    if (e.server_process === null) continue;
    const key = `${e.port}|${e.proto}`;
    const byName = servers.get(key) ?? new Map<string, Set<string>>();
    servers.set(key, byName);
    const set = byName.get(e.server_process) ?? new Set<string>();
    byName.set(e.server_process, set.add(e.server));
  }
  for (const r of rows) {
    const byName = servers.get(`${r.port}|${r.proto}`);
    if (byName) r.processes = [...byName].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
  }
}

/** One program on one host, with its traffic as a server (what it listened for) and as a client. */
export interface ProcessRow {
  host: string;
  process: string;
  /** Ports it was seen listening on that carried traffic, e.g. `8086/tcp`. */
  ports: string[];
  bytes_served: number;
  bytes_used: number;
  bytes: number;
  /** Distinct client hosts it served, and server hosts it used. */
  clients: number;
  servers: number;
  connections: number;
  first_seen: string;
  last_seen: string;
}

/**
 * `top --by processes`: every edge under the filter (with its programs), summed per (host, program)
 * on each end it is known for, heaviest first, at most filter.limit rows.
 */
export function rankProcesses(edges: readonly EdgeRow[], limit: number): ProcessRow[] {
  const rows = new Map<string, ProcessRow & { peersIn: Set<string>; peersOut: Set<string>; portSet: Set<string> }>();
  const rowOf = (host: string, process: string, e: EdgeRow) => {
    const k = `${host}\u0001${process}`;
    let r = rows.get(k);
    if (!r) {
      r = {
        host, process, ports: [], bytes_served: 0, bytes_used: 0, bytes: 0, clients: 0, servers: 0, connections: 0,
        first_seen: e.first_seen, last_seen: e.last_seen, peersIn: new Set(), peersOut: new Set(), portSet: new Set(),
      };
      rows.set(k, r);
    }
    if (e.first_seen < r.first_seen) r.first_seen = e.first_seen;
    if (e.last_seen > r.last_seen) r.last_seen = e.last_seen;
    r.bytes += e.bytes;
    r.connections += e.connections;
    return r;
  };
  for (const e of edges) {
    if (e.server_process !== null) {
      const r = rowOf(e.server, e.server_process, e);
      r.bytes_served += e.bytes;
      r.peersIn.add(e.client);
      r.portSet.add(`${e.port}/${e.proto}`);
    }
    if (e.client_process !== null) {
      const r = rowOf(e.client, e.client_process, e);
      r.bytes_used += e.bytes;
      r.peersOut.add(e.server);
    }
  }
  const out = [...rows.values()].map(({ peersIn, peersOut, portSet, ...r }) => ({ ...r, clients: peersIn.size, servers: peersOut.size, ports: [...portSet].sort(comparePorts) }));
  out.sort((a, b) => b.bytes - a.bytes || (a.host < b.host ? -1 : a.host > b.host ? 1 : a.process < b.process ? -1 : 1));
  return out.slice(0, limit);
}

function comparePorts(a: string, b: string): number {
  return parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : 1);
}

/** A program seen listening on a host (the host panel's list). */
export interface ListeningProcess {
  process: string;
  port: number;
  proto: string;
  /** Of the latest period seen. */
  pid: number;
  user: string;
  exe: string;
  cmdline: string;
  container: string;
  first_seen: string;
  last_seen: string;
}

/** What listened on this address during the filter's window, one row per (program, port, proto), by port. */
export async function listeningProcesses(store: Store, address: string, filter: Pick<FlowFilter, 'since' | 'until'>): Promise<ListeningProcess[]> {
  const rows = await store.sockets({
    addresses: [address],
    state: 'listen',
    ...socketWindow(filter, 0),
  });
  const out = new Map<string, ListeningProcess>();
  for (const r of rows) {
    const name = processName(r);
    if (name === null) continue;
    const k = `${name}\u0001${r.local_port}\u0001${r.proto}`;
    const had = out.get(k);
    const first = new Date(r.first_seen).toISOString();
    const last = new Date(r.last_seen).toISOString();
    if (!had) {
      out.set(k, { process: name, port: r.local_port, proto: r.proto, pid: r.pid, user: r.username, exe: r.exe, cmdline: r.cmdline, container: r.container, first_seen: first, last_seen: last });
      continue;
    }
    if (first < had.first_seen) had.first_seen = first;
    if (last >= had.last_seen) Object.assign(had, { last_seen: last, pid: r.pid, user: r.username, exe: r.exe, cmdline: r.cmdline, container: r.container });
  }
  return [...out.values()].sort((a, b) => a.port - b.port || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : a.process < b.process ? -1 : 1));
}
