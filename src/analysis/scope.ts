/**
 * The traffic an analysis works on: every host-to-host dependency (client -> server per service,
 * `top --by edges` rows) that passes the filter, the name and config group of each host, and the time
 * window. deps, critical and plan are pure functions of a Scope, so the CLI, the API and the tests
 * compute the same answer from the same rows.
 */
import type { FlowFilter } from '../filter/filter.js';
import { describeHosts } from '../graph/build.js';
import type { GroupRules } from '../graph/groups.js';
import { loadEdges } from '../graph/load.js';
import type { NameBook, NameRow } from '../names/names.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { EdgeRow, Store } from '../store/store.js';
import type { HostRef } from './types.js';

export type { HostRef } from './types.js';


export interface Scope {
  rows: EdgeRow[];
  /** Every host of the rows, by address. */
  hosts: Map<string, HostRef>;
  names: NameBook;
  /** --since/--until, else the first start and last end of the rows (epoch ms); null without rows. */
  window: { fromMs: number; toMs: number } | null;
}

export interface ScopeOptions {
  configNames: readonly NameRow[];
  groups: GroupRules;
}

/** Build a scope from rows already loaded (tests, and loadScope). */
export function scopeOf(rows: EdgeRow[], names: NameBook, groups: GroupRules, filter: Pick<FlowFilter, 'since' | 'until'> = {}): Scope {
  const hosts = new Map<string, HostRef>();
  for (const [address, h] of describeHosts(rows, { names, groups })) hosts.set(address, { address, name: h.name ?? null, group: h.group ?? null });
  let from = Infinity;
  let to = -Infinity;
  for (const r of rows) {
    from = Math.min(from, Date.parse(r.first_seen));
    to = Math.max(to, Date.parse(r.last_seen));
  }
  const window = rows.length ? { fromMs: filter.since ?? from, toMs: filter.until ?? to } : null;
  return { rows, hosts, names, window };
}

/** The scope from the store through the one filter model (--limit does not apply: all dependencies count). */
export async function loadScope(store: Store, filter: FlowFilter, services: ServiceRegistry, opts: ScopeOptions): Promise<Scope> {
  const { rows, names } = await loadEdges(store, filter, services, opts.configNames);
  return scopeOf(rows, names, opts.groups, filter);
}

/** The host reference for an address (a bare one when the scope does not know it). */
export function hostRef(scope: Scope, address: string): HostRef {
  return scope.hosts.get(address) ?? { address, name: null, group: null };
}

/** Address order: numeric for IPv4 (10.0.0.9 before 10.0.0.10), text otherwise; IPv4 first. */
export function compareAddresses(a: string, b: string): number {
  const ka = addressSortKey(a);
  const kb = addressSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const sortKeys = new Map<string, string>();
function addressSortKey(a: string): string {
  let k = sortKeys.get(a);
  if (k === undefined) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
    k = m ? `4${m.slice(1).map((x) => x.padStart(3, '0')).join('.')}` : `6${a}`;
    if (sortKeys.size > 100_000) sortKeys.clear();
    sortKeys.set(a, k);
  }
  return k;
}
