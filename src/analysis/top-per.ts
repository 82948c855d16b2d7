/**
 * `flowmap top --per 5m`: the top N of every interval, so the user sees who was loudest when the link
 * was full. One grouped store query (Store.topPer); the window is bounded like any series.
 */
import type { FlowFilter } from '../filter/filter.js';
import type { InterfaceNamer } from '../query/top.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { Store, TopPerKind, TopPerRow } from '../store/store.js';
import { parseProto } from '../util/protocols.js';
import { bucketWindow } from './buckets.js';
import { dataExtent } from './timeseries.js';

export async function topPer(store: Store, kind: TopPerKind, filter: FlowFilter, bucketMs: number, services: ServiceRegistry, interfaceName: InterfaceNamer = () => null): Promise<TopPerRow[]> {
  const extent = await dataExtent(store, filter);
  const from = filter.since ?? extent?.from;
  const to = filter.until ?? extent?.to;
  if (from === undefined || to === undefined) return [];
  // Refuses windows of too many buckets before the query runs.
  bucketWindow(from, to, bucketMs, '--per');
  const rows = await store.topPer(kind, filter, bucketMs);
  for (const r of rows) {
    if (r.exporter !== undefined && r.if_index !== undefined) r.if_name = interfaceName(r.exporter, r.if_index);
    if (r.port === undefined || r.proto === undefined) continue;
    const proto = parseProto(r.proto);
    r.service = proto === undefined ? null : services.name(r.port, proto);
  }
  return rows;
}
