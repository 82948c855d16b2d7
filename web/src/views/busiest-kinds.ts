/**
 * What the busiest view ranks: one entry per kind of key of /api/v1/timeseries (`by`). A new kind
 * is one more entry here.
 */
import type { TimeseriesRow, TopPerRow } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { h, linkButton } from '../dom.js';
import type { Nav } from '../nav.js';

export interface BusiestNav extends Nav {
  /** Map only this service (`443/tcp`). */
  mapService(service: string): void;
}

export interface BusiestKind {
  /** The `by` of /api/v1/timeseries (and the kind of /api/v1/top/{kind}?per=). */
  by: 'edges' | 'services' | 'talkers' | 'interfaces';
  title: string;
  /** A row's key as one string (the tests compare it with the API's rows). */
  key(r: TimeseriesRow): string;
  /** The key's cell: a link to the map. */
  cell(r: TimeseriesRow, nav: BusiestNav): HTMLElement;
  /** A /top/{by}?per= row's key (the same words as `key`) and its label in the stacked chart. */
  perKey(r: TopPerRow): string;
  perLabel(r: TopPerRow): string;
}

const svcOf = (r: TopPerRow): string => serviceLabel({ port: r.port ?? 0, proto: r.proto ?? '', service: r.service ?? null });

export const BUSIEST_KINDS: readonly BusiestKind[] = [
  {
    by: 'edges',
    title: 'Dependencies',
    key: (r) => (r.key === 'edge' ? `${r.client}>${r.server} ${r.port}/${r.proto}` : ''),
    cell: (r, nav) =>
      r.key === 'edge' ? linkButton(`${r.client} → ${r.server} ${serviceLabel(r)}`, 'Select this dependency on the map', () => nav.focusEdge(r)) : linkButton('?', '', () => undefined),
    perKey: (r) => `${r.client}>${r.server} ${r.port}/${r.proto}`,
    perLabel: (r) => `${r.client} → ${r.server} ${svcOf(r)}`,
  },
  {
    by: 'services',
    title: 'Services',
    key: (r) => (r.key === 'service' ? `${r.port}/${r.proto}` : ''),
    cell: (r, nav) => (r.key === 'service' ? linkButton(serviceLabel(r), 'Map only this service', () => nav.mapService(`${r.port}/${r.proto}`)) : linkButton('?', '', () => undefined)),
    perKey: (r) => `${r.port}/${r.proto}`,
    perLabel: svcOf,
  },
  {
    by: 'talkers',
    title: 'Talkers',
    key: (r) => (r.key === 'talker' ? r.host : ''),
    cell: (r, nav) => (r.key === 'talker' ? linkButton(r.host, 'Select this host on the map', () => nav.focusNode(r.host)) : linkButton('?', '', () => undefined)),
    perKey: (r) => r.host ?? '',
    perLabel: (r) => r.host ?? '',
  },
  {
    // Interfaces of flow exporters (captures have none): in = entered through it, out = left.
    by: 'interfaces',
    title: 'Interfaces',
    key: (r) => (r.key === 'interface' ? `${r.exporter} ${r.if_index}` : ''),
    cell: (r) => h('span', {}, r.key === 'interface' ? `${r.exporter} if ${r.if_index}${r.if_name ? ` ${r.if_name}` : ''}` : '?'),
    perKey: (r) => `${r.exporter ?? ''} ${r.if_index ?? 0}`,
    perLabel: (r) => `${r.exporter ?? ''} if ${r.if_index ?? 0}${r.if_name ? ` ${r.if_name}` : ''}`,
  },
];
