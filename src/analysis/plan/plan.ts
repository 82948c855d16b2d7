/**
 * `flowmap plan --waves N`: the hosts in scope cut into N move groups (waves) so that the least
 * traffic and the fewest dependencies cross between waves, under the user's constraints, with the
 * shared services listed apart. Pure: a function of the Scope; plan/rates.ts adds the p95 rates.
 */
import { serviceLabel } from '../../graph/model.js';
import type { EdgeRow } from '../../store/store.js';
import { UsageError } from '../../util/errors.js';
import { compareAddresses, hostRef, type Scope } from '../scope.js';
import type { PlanCut, PlanResult, PlanWave, SharedHost } from '../types.js';
import { resolveTarget } from '../target.js';
import { BASELINE_METHOD, baselineWaves } from './baseline.js';
import { resolveConstraints, type PlanConstraints } from './constraints.js';
import { communities, pairGraph, planWeights } from './pairs.js';
import { partition } from './partition.js';
import { findApplications } from './applications.js';

export type { CrossEdge, PlanCut, PlanResult, PlanWave, SharedHost } from '../types.js';

export type SharedMode = { mode: 'auto' } | { mode: 'none' } | { mode: 'list'; hosts: string[] };

export interface PlanOptions {
  waves: number;
  /** Most hosts per wave; null: flowmap chooses (see defaultCapacity). */
  maxHosts: number | null;
  constraints: PlanConstraints;
  shared: SharedMode;
}


/**
 * Without --max-hosts a wave may hold a quarter more than an even share, and at least the largest
 * community, so applications stay whole when the waves can hold them.
 */
export function defaultCapacity(hosts: number, waves: number, largestCommunity: number): number {
  return Math.max(Math.ceil((hosts / waves) * 1.25), largestCommunity, 1);
}

export function planWaves(scope: Scope, opts: PlanOptions): PlanResult {
  if (!Number.isInteger(opts.waves) || opts.waves < 1) throw new UsageError(`--waves: expected a whole number of at least 1`);
  const all = [...scope.hosts.keys()].sort(compareAddresses);
  const named = namedHosts(scope, opts.constraints);
  const shared = sharedHosts(scope, all, opts.shared, named);
  const planned = all.filter((h) => !shared.has(h));
  if (planned.length < opts.waves) throw new UsageError(`--waves ${opts.waves}: only ${planned.length} host(s) to plan${shared.size ? ` (${shared.size} more are shared services)` : ''}`);

  const g = pairGraph(planned, scope.rows);
  const weights = planWeights(g);
  const community = communities(g, weights);
  const sizes = new Map<number, number>();
  for (const c of community) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const cons = resolveConstraints(scope, g.index, opts.constraints, new Set(opts.shared.mode === 'list' ? shared : []));
  if (opts.maxHosts !== null && (!Number.isInteger(opts.maxHosts) || opts.maxHosts < 1)) throw new UsageError('--max-hosts: expected a whole number of at least 1');
  const capacity = opts.maxHosts ?? defaultCapacity(planned.length, opts.waves, Math.max(...sizes.values()));
  const waveOfHost = partition({ g, weights, community, cons, waves: opts.waves, capacity });

  const waveOf = new Map<string, number>(planned.map((h, i) => [h, waveOfHost[i]]));
  const base = baselineWaves(planned, opts.waves);
  const baseOf = new Map<string, number>(planned.map((h, i) => [h, base[i]]));
  return {
    ...describeWaves(scope, waveOf, shared, opts.waves),
    shared: describeShared(scope, shared, waveOf, opts.shared.mode === 'auto' ? 'auto' : 'listed'),
    cut: cutOf(scope.rows, waveOf),
    baseline: { method: `${BASELINE_METHOD}, ${Math.ceil(planned.length / opts.waves)} hosts per wave`, cut: cutOf(scope.rows, baseOf) },
    max_hosts: capacity,
    max_hosts_given: opts.maxHosts !== null,
    communities: sizes.size,
    bucket_s: null,
  };
}

/** Addresses named by any constraint (never auto-detected as shared); unresolvable names are reported later. */
function namedHosts(scope: Scope, c: PlanConstraints): Set<string> {
  const texts = [...c.pins.map((p) => p.host), ...c.together.flat(), ...c.apart.flat()];
  const out = new Set<string>();
  for (const t of texts) {
    try {
      for (const a of resolveTarget(scope, t).addresses) out.add(a);
    } catch {
      // resolveConstraints names the bad constraint.
    }
  }
  return out;
}

function sharedHosts(scope: Scope, all: string[], mode: SharedMode, named: Set<string>): Set<string> {
  if (mode.mode === 'none') return new Set();
  if (mode.mode === 'auto') return findApplications(all, scope.rows, named).shared;
  const out = new Set<string>();
  for (const text of mode.hosts) {
    const t = resolveTarget(scope, text, '--shared');
    if (t.addresses.length === 0 || !t.addresses.some((a) => scope.hosts.has(a))) throw new UsageError(`--shared: ${JSON.stringify(text)} matches no host in scope`);
    for (const a of t.addresses) if (scope.hosts.has(a)) out.add(a);
  }
  return out;
}

/** Dependencies between hosts of different waves (shared services excluded: they cross whatever the plan). */
export function cutOf(rows: readonly EdgeRow[], waveOf: ReadonlyMap<string, number>): PlanCut {
  const cut = { bytes: 0, dependencies: 0 };
  for (const r of rows) {
    const a = waveOf.get(r.client);
    const b = waveOf.get(r.server);
    if (a !== undefined && b !== undefined && a !== b) {
      cut.bytes += r.bytes;
      cut.dependencies++;
    }
  }
  return cut;
}

function describeWaves(scope: Scope, waveOf: ReadonlyMap<string, number>, shared: ReadonlySet<string>, n: number): Pick<PlanResult, 'waves'> {
  const waves: PlanWave[] = Array.from({ length: n }, (_, i) => ({ wave: i + 1, hosts: [], bytes_internal: 0, bytes_cross: 0, cross: [], cross_p95_bps: null, cross_peak_bps: null }));
  for (const [h, w] of waveOf) waves[w].hosts.push(hostRef(scope, h));
  for (const r of scope.rows) {
    const a = waveOf.get(r.client);
    const b = waveOf.get(r.server);
    if (a !== undefined && a === b) {
      waves[a].bytes_internal += r.bytes;
      continue;
    }
    // Each wave in flight needs the dependency: listed in both waves it joins.
    if (a !== undefined && (b !== undefined || shared.has(r.server))) waves[a].cross.push({ ...r, other_wave: b === undefined ? null : b + 1, p95_bps: null });
    if (b !== undefined && (a !== undefined || shared.has(r.client))) waves[b].cross.push({ ...r, other_wave: a === undefined ? null : a + 1, p95_bps: null });
  }
  for (const w of waves) {
    w.hosts.sort((x, y) => compareAddresses(x.address, y.address));
    w.cross.sort((x, y) => y.bytes - x.bytes || compareAddresses(x.client, y.client) || compareAddresses(x.server, y.server) || x.port - y.port || (x.proto < y.proto ? -1 : x.proto > y.proto ? 1 : 0));
    w.bytes_cross = w.cross.reduce((s, e) => s + e.bytes, 0);
  }
  return { waves };
}

function describeShared(scope: Scope, shared: ReadonlySet<string>, waveOf: ReadonlyMap<string, number>, found: SharedHost['found']): SharedHost[] {
  const out: SharedHost[] = [];
  for (const h of [...shared].sort(compareAddresses)) {
    let asServer = 0;
    let asClient = 0;
    const serves = new Map<string, number>();
    const uses = new Map<string, number>();
    const perWave = new Map<number, number>();
    const clients = new Set<string>();
    const servers = new Set<string>();
    for (const r of scope.rows) {
      if (r.server !== h && r.client !== h) continue;
      const other = r.server === h ? r.client : r.server;
      const w = waveOf.get(other);
      if (r.server === h) {
        asServer += r.bytes;
        clients.add(r.client);
      } else {
        asClient += r.bytes;
        servers.add(r.server);
      }
      if (w === undefined) continue;
      // Services named are those the waves use (a DNS server also answers the monitoring scraper).
      const label = serviceLabel(r);
      const tally = r.server === h ? serves : uses;
      tally.set(label, (tally.get(label) ?? 0) + r.bytes);
      perWave.set(w + 1, (perWave.get(w + 1) ?? 0) + r.bytes);
    }
    // The side with more peers decides: a DNS server also resolves upstream, a scraper also answers DNS.
    const role = clients.size >= servers.size ? 'server' : 'client';
    const services = [...(role === 'server' ? serves : uses)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([l]) => l);
    const per_wave = [...perWave].sort((a, b) => a[0] - b[0]).map(([wave, bytes]) => ({ wave, bytes }));
    out.push({ ...hostRef(scope, h), role, services, waves: per_wave.map((p) => p.wave), per_wave, bytes: asServer + asClient, found });
  }
  return out;
}
