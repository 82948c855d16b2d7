import type { FlowFilter } from '../filter/filter.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { ConversationRow, EdgeRow, InterfaceRow, ServiceRow, Store, TopKind, TopRows } from '../store/store.js';
import { attachProcesses, attachServiceProcesses, rankProcesses, type ProcessRow } from './processes.js';
import { MAX_LIMIT } from '../filter/parse.js';
import { parseProto } from '../util/protocols.js';

/** The configured name of an exporter's interface, or null. */
export type InterfaceNamer = (exporter: string, ifIndex: number) => string | null;

/**
 * Top-N rows of one kind, with service names taken from the registry and interface names from
 * `interfaceName` at query time (so config overrides also apply to data stored earlier), and the
 * programs behind edges, conversations and services from agent snapshots (processes.ts).
 */
export async function runTop<K extends TopKind>(
  store: Store, kind: K, filter: FlowFilter, services: ServiceRegistry, interfaceName: InterfaceNamer = () => null,
): Promise<TopRows[K]> {
  const rows = await store.top(kind, filter);
  if (kind === 'talkers') return rows;
  if (kind === 'interfaces') {
    for (const row of rows as InterfaceRow[]) row.if_name = interfaceName(row.exporter, row.if_index);
    return rows;
  }
  for (const row of rows as Array<{ port: number; proto: string; service: string | null }>) {
    const proto = parseProto(row.proto);
    row.service = proto === undefined ? null : services.name(row.port, proto);
  }
  if (kind === 'services') await attachServiceProcesses(store, rows as ServiceRow[], filter);
  else await attachProcesses(store, rows as Array<EdgeRow | ConversationRow>, filter);
  return rows;
}

/** `top --by processes`: the programs behind the traffic (from agent snapshots), heaviest first. */
export async function runTopProcesses(store: Store, filter: FlowFilter, services: ServiceRegistry): Promise<ProcessRow[]> {
  const edges = await runTop(store, 'edges', { ...filter, minBytes: undefined, limit: MAX_LIMIT }, services);
  return rankProcesses(edges, filter.limit).filter((r) => filter.minBytes === undefined || r.bytes >= filter.minBytes);
}
