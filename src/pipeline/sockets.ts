/**
 * Agent snapshots -> socket periods in the store: the one path for `POST /api/v1/agent` and
 * `flowmap ingest --sockets`. A socket (with its process) seen again within a few snapshot periods
 * extends its period; otherwise a new period begins. Wildcard listeners get one row per address of
 * their host, so matching a flow's server is an equality on (address, port, proto).
 */
import { createHash } from 'node:crypto';
import { isWildcard, type AgentProcess, type AgentSnapshot } from '../sources/agent/snapshot.js';
import type { SocketRow, Store } from '../store/store.js';

/** A socket missed by up to this many snapshots in a row still continues its period. */
const CONTINUE_PERIODS = 2.5;
/** Hosts whose open periods are kept in memory (beyond, they are read back from the store). */
const MAX_HOSTS = 10_000;

export interface SocketIngestResult {
  host: string;
  sockets: number;
  /** Rows written: a wildcard listener counts once per host address. */
  rows: number;
  newPeriods: number;
  extended: number;
  /** Sockets whose process the agent could not see. */
  withoutProcess: number;
}

type Observed = Omit<SocketRow, 'period_id' | 'first_seen' | 'last_seen'>;

interface OpenPeriod {
  id: string;
  first: number;
  last: number;
}

interface HostState {
  periods: Map<string, OpenPeriod> | null;
  chain: Promise<unknown>;
}

/** The rows one snapshot observes, before periods are assigned. */
export function observedSockets(s: AgentSnapshot): { rows: Observed[]; withoutProcess: number } {
  const processes = new Map<number, AgentProcess>();
  for (const p of s.processes) processes.set(p.pid, p);
  const v4 = s.addresses.filter((a) => !a.includes(':'));
  const rows: Observed[] = [];
  let withoutProcess = 0;
  for (const sock of s.sockets) {
    const p = sock.pid === null ? undefined : processes.get(sock.pid);
    if (!p) withoutProcess++;
    // Linux answers IPv4 on a `::` listener too (bindv6only is off by default).
    const wild = sock.state === 'listen' && isWildcard(sock.local_addr) ? (sock.local_addr === '::' ? s.addresses : v4) : [];
    const base = {
      host: s.host, proto: sock.proto, state: sock.state, local_addr: sock.local_addr, local_port: sock.local_port,
      remote_addr: sock.remote_addr ?? '', remote_port: sock.remote_port ?? 0, pid: p?.pid ?? 0,
      comm: p?.comm ?? '', exe: p?.exe ?? '', cmdline: p?.cmdline ?? '', username: p?.user ?? (p?.uid == null ? '' : String(p.uid)),
      container: p?.container ?? '', interval_ms: Math.round(s.interval_s * 1000),
    } satisfies Omit<Observed, 'address'>;
    for (const address of wild.length > 0 ? wild : [sock.local_addr]) rows.push({ ...base, address });
  }
  return { rows, withoutProcess };
}

/** Identity of a socket and its process within a host (everything but the times). */
function periodKey(r: Observed): string {
  return JSON.stringify([r.proto, r.state, r.address, r.local_addr, r.local_port, r.remote_addr, r.remote_port, r.pid, r.comm, r.exe, r.cmdline, r.username, r.container]);
}

function newPeriodId(host: string, key: string, at: number): string {
  return createHash('sha256').update(`${host}\n${key}\n${at}`).digest('hex').slice(0, 16);
}

export class SocketIngest {
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly store: Store) {}

  /** Snapshots of one host are applied in arrival order; different hosts run side by side. */
  accept(s: AgentSnapshot): Promise<SocketIngestResult> {
    let state = this.hosts.get(s.host);
    if (state) this.hosts.delete(s.host);
    else state = { periods: null, chain: Promise.resolve() };
    this.hosts.set(s.host, state);
    if (this.hosts.size > MAX_HOSTS) this.hosts.delete(this.hosts.keys().next().value as string);
    const host = state;
    const run = host.chain.then(() => this.apply(host, s));
    host.chain = run.catch(() => undefined);
    return run;
  }

  private async apply(state: HostState, s: AgentSnapshot): Promise<SocketIngestResult> {
    const t = s.time_ms;
    const gap = s.interval_s * 1000 * CONTINUE_PERIODS;
    if (state.periods === null) state.periods = await this.load(s.host, t - gap);
    const periods = state.periods;
    const { rows: observed, withoutProcess } = observedSockets(s);
    const out: SocketRow[] = [];
    let newPeriods = 0;
    for (const r of observed) {
      const key = periodKey(r);
      let p = periods.get(key);
      // A late snapshot (a file loaded out of order) may widen a period at either end.
      if (p && t >= p.first - gap && t <= p.last + gap) {
        p.first = Math.min(p.first, t);
        p.last = Math.max(p.last, t);
      } else {
        p = { id: newPeriodId(s.host, key, t), first: t, last: t };
        periods.set(key, p);
        newPeriods++;
      }
      out.push({ ...r, period_id: p.id, first_seen: p.first, last_seen: p.last });
    }
    await this.store.saveSockets(out);
    for (const [key, p] of periods) if (p.last < t - gap) periods.delete(key);
    return { host: s.host, sockets: s.sockets.length, rows: out.length, newPeriods, extended: out.length - newPeriods, withoutProcess };
  }

  /** The host's periods that a snapshot at this time could still continue (after a restart). */
  private async load(host: string, sinceMs: number): Promise<Map<string, OpenPeriod>> {
    const periods = new Map<string, OpenPeriod>();
    for (const r of await this.store.sockets({ host, sinceMs })) {
      const key = periodKey(r);
      const had = periods.get(key);
      if (!had || had.last < r.last_seen) periods.set(key, { id: r.period_id, first: r.first_seen, last: r.last_seen });
    }
    return periods;
  }
}
