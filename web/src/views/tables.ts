/** The Tables tab: top edges, talkers, services and programs under the page's filters, sortable, linked to the map. */
import type { EdgeRow, ProcessRow, ServiceRow, TalkerRow, TopResponse } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { getJson } from '../api.js';
import { h, linkButton } from '../dom.js';
import type { Nav } from '../nav.js';
import type { TableKind } from '../state.js';
import { renderTable, type Col } from '../table.js';

/** Rows fetched per table. */
export const TABLE_LIMIT = 200;

const svc = serviceLabel;

/** The traffic columns edges and services share, in the CLI's order. */
function trafficCols<R extends EdgeRow | ServiceRow>(): Col<R>[] {
  return [
    { key: 'bytes_c2s', header: 'bytes →', kind: 'bytes', value: (r) => r.bytes_c2s },
    { key: 'bytes_s2c', header: 'bytes ←', kind: 'bytes', value: (r) => r.bytes_s2c },
    { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
    { key: 'packets', header: 'packets', kind: 'number', value: (r) => r.packets },
    { key: 'connections', header: 'connections', kind: 'number', value: (r) => r.connections },
    { key: 'first_seen', header: 'first seen', kind: 'time', value: (r) => r.first_seen },
    { key: 'last_seen', header: 'last seen', kind: 'time', value: (r) => r.last_seen },
  ];
}

function edgeCols(nav: Nav): Col<EdgeRow>[] {
  return [
    { key: 'client', header: 'client', kind: 'text', value: (r) => r.client, cell: (r) => linkButton(r.client, 'Show on the map', () => nav.focusNode(r.client)) },
    { key: 'server', header: 'server', kind: 'text', value: (r) => r.server, cell: (r) => linkButton(r.server, 'Show on the map', () => nav.focusNode(r.server)) },
    { key: 'service', header: 'service', kind: 'text', value: svc, cell: (r) => linkButton(svc(r), 'Show this dependency on the map', () => nav.focusEdge(r)) },
    { key: 'client_process', header: 'client program', kind: 'text', value: (r) => r.client_process },
    ...trafficCols<EdgeRow>(),
  ];
}

/** Programs behind the traffic (flowmap agent): what each served and what it used. */
function processCols(nav: Nav): Col<ProcessRow>[] {
  return [
    { key: 'process', header: 'program', kind: 'text', value: (r) => r.process },
    { key: 'host', header: 'host', kind: 'text', value: (r) => r.host, cell: (r) => linkButton(r.host, 'Show on the map', () => nav.focusNode(r.host)) },
    { key: 'ports', header: 'listens on', kind: 'text', value: (r) => r.ports.join(' ') },
    { key: 'bytes_served', header: 'served', kind: 'bytes', value: (r) => r.bytes_served },
    { key: 'bytes_used', header: 'used', kind: 'bytes', value: (r) => r.bytes_used },
    { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
    { key: 'clients', header: 'clients', kind: 'number', value: (r) => r.clients },
    { key: 'servers', header: 'servers', kind: 'number', value: (r) => r.servers },
    { key: 'connections', header: 'connections', kind: 'number', value: (r) => r.connections },
    { key: 'last_seen', header: 'last seen', kind: 'time', value: (r) => r.last_seen },
  ];
}

function talkerCols(nav: Nav): Col<TalkerRow>[] {
  return [
    { key: 'host', header: 'host', kind: 'text', value: (r) => r.host, cell: (r) => linkButton(r.host, 'Show on the map', () => nav.focusNode(r.host)) },
    { key: 'bytes_sent', header: 'sent', kind: 'bytes', value: (r) => r.bytes_sent },
    { key: 'bytes_received', header: 'received', kind: 'bytes', value: (r) => r.bytes_received },
    { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
    { key: 'packets', header: 'packets', kind: 'number', value: (r) => r.packets },
    { key: 'peers', header: 'peers', kind: 'number', value: (r) => r.peers },
    { key: 'connections', header: 'connections', kind: 'number', value: (r) => r.connections },
    { key: 'first_seen', header: 'first seen', kind: 'time', value: (r) => r.first_seen },
    { key: 'last_seen', header: 'last seen', kind: 'time', value: (r) => r.last_seen },
  ];
}

function serviceCols(onService: (s: string) => void): Col<ServiceRow>[] {
  return [
    { key: 'service', header: 'service', kind: 'text', value: svc, cell: (r) => linkButton(svc(r), 'Map only this service', () => onService(`${r.port}/${r.proto}`)) },
    { key: 'port', header: 'port', kind: 'number', value: (r) => r.port },
    { key: 'proto', header: 'proto', kind: 'text', value: (r) => r.proto },
    { key: 'processes', header: 'programs', kind: 'text', value: (r) => r.processes.join(', ') },
    { key: 'servers', header: 'servers', kind: 'number', value: (r) => r.servers },
    { key: 'clients', header: 'clients', kind: 'number', value: (r) => r.clients },
    ...trafficCols<ServiceRow>(),
  ];
}

export interface TablesArgs {
  kind: TableKind;
  params: URLSearchParams;
  sort: string;
  nav: Nav;
  onSort: (sort: string) => void;
  onService: (service: string) => void;
  signal?: AbortSignal;
}

export async function renderTables(into: HTMLElement, a: TablesArgs): Promise<void> {
  const q = new URLSearchParams(a.params);
  q.set('limit', String(TABLE_LIMIT));
  const note = (n: number): HTMLElement => h('p', { class: 'muted small' }, n >= TABLE_LIMIT ? `the ${TABLE_LIMIT} heaviest by bytes, sorted here` : `${n} rows`);
  let table: HTMLElement;
  let count: number;
  if (a.kind === 'edges') {
    const r = await getJson<TopResponse<EdgeRow>>('/api/v1/top/edges', q, a.signal);
    table = renderTable(r.rows, edgeCols(a.nav), { sort: a.sort, onSort: a.onSort, testId: 'top-edges' });
    count = r.rows.length;
  } else if (a.kind === 'talkers') {
    const r = await getJson<TopResponse<TalkerRow>>('/api/v1/top/talkers', q, a.signal);
    table = renderTable(r.rows, talkerCols(a.nav), { sort: a.sort, onSort: a.onSort, testId: 'top-talkers' });
    count = r.rows.length;
  } else if (a.kind === 'processes') {
    const r = await getJson<TopResponse<ProcessRow>>('/api/v1/top/processes', q, a.signal);
    table = renderTable(r.rows, processCols(a.nav), { sort: a.sort, onSort: a.onSort, testId: 'top-processes' });
    count = r.rows.length;
    if (count === 0) {
      into.replaceChildren(h('p', { class: 'muted', 'data-testid': 'no-processes' }, 'No programs known in this window: run flowmap agent on your hosts (see the README) to learn which program is behind each port.'));
      return;
    }
  } else {
    const r = await getJson<TopResponse<ServiceRow>>('/api/v1/top/services', q, a.signal);
    table = renderTable(r.rows, serviceCols(a.onService), { sort: a.sort, onSort: a.onSort, testId: 'top-services' });
    count = r.rows.length;
  }
  into.replaceChildren(note(count), table);
}
