import type { FlowFilter } from '../filter/filter.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { InterfaceRow, Store, TopKind, TopRows } from '../store/store.js';
import { parseProto } from '../util/protocols.js';

/** The configured name of an exporter's interface, or null. */
export type InterfaceNamer = (exporter: string, ifIndex: number) => string | null;

/**
 * Top-N rows of one kind, with service names taken from the registry and interface names from
 * `interfaceName` at query time (so config overrides also apply to data stored earlier).
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
  return rows;
}
