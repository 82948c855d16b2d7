import type { FlowFilter } from '../filter/filter.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { Store, TopKind, TopRows } from '../store/store.js';
import { parseProto } from '../util/protocols.js';

/**
 * Top-N rows of one kind, with service names taken from the registry at query time (so config
 * overrides also apply to data stored earlier).
 */
export async function runTop<K extends TopKind>(store: Store, kind: K, filter: FlowFilter, services: ServiceRegistry): Promise<TopRows[K]> {
  const rows = await store.top(kind, filter);
  if (kind === 'talkers') return rows;
  for (const row of rows as Array<{ port: number; proto: string; service: string | null }>) {
    const proto = parseProto(row.proto);
    row.service = proto === undefined ? null : services.name(row.port, proto);
  }
  return rows;
}
