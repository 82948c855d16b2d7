/**
 * The store side of the graph: fetch every (client, server, port, proto) edge that passes the filter
 * and the names of their hosts, then build. --min-bytes applies to the graph's (possibly grouped)
 * edges rather than to host rows, and --limit has no meaning here (--top does that job).
 */
import type { FlowFilter } from '../filter/filter.js';
import { MAX_LIMIT } from '../filter/parse.js';
import { NameBook, type NameRow } from '../names/names.js';
import { runTop } from '../query/top.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { EdgeRow, Store } from '../store/store.js';
import { buildGraph, type BuildOptions } from './build.js';
import type { DepGraph } from './model.js';

export interface LoadOptions extends Omit<BuildOptions, 'names' | 'minBytes'> {
  /** Names from the config file: they win over anything seen on the network. */
  configNames: readonly NameRow[];
  /**
   * Reverse DNS for drawn hosts that have no name yet; what it finds is added to the store's names
   * table (the cache for the next run).
   */
  resolve?: (addresses: string[]) => Promise<NameRow[]>;
}

/** The config file's `names` as name rows (they outrank every name seen on the network). */
export function configNameRows(names: ReadonlyArray<{ address: string; name: string }>): NameRow[] {
  return names.map((n) => ({ ...n, source: 'config' as const, first_seen: '', last_seen: '' }));
}

/**
 * Every host-to-host edge that passes the filter (all of them: no --limit), with the names known
 * for their hosts: what the map and the analyses (deps, plan) start from.
 */
export async function loadEdges(store: Store, filter: FlowFilter, services: ServiceRegistry, configNames: readonly NameRow[]): Promise<{ rows: EdgeRow[]; names: NameBook }> {
  const rows = await runTop(store, 'edges', { ...filter, limit: MAX_LIMIT }, services);
  const addresses = new Set<string>();
  for (const r of rows) addresses.add(r.client).add(r.server);
  const seen = addresses.size ? await store.names([...addresses]) : [];
  return { rows, names: new NameBook([...configNames, ...seen]) };
}

export async function loadGraph(store: Store, filter: FlowFilter, services: ServiceRegistry, opts: LoadOptions): Promise<DepGraph> {
  const { minBytes, ...rest } = filter;
  const { rows, names } = await loadEdges(store, rest, services, opts.configNames);
  const graph = buildGraph(rows, { ...opts, names, minBytes });
  if (!opts.resolve) return graph;
  const unnamed = graph.nodes.filter((n) => n.kind === 'host' && n.name === undefined).map((n) => n.key);
  if (unnamed.length === 0) return graph;
  const found = await opts.resolve(unnamed);
  if (found.length === 0) return graph;
  await store.appendNames(found);
  for (const r of found) names.add(r);
  return buildGraph(rows, { ...opts, names, minBytes });
}
