/** The detail panel of one host: names, totals, services it offers, its clients, what it depends on. */
import type { EdgeRow, HostDetail, ListeningProcess, ServiceRow } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { bytesEl, h, linkButton, num, totalsList, when } from '../dom.js';
import type { Nav } from '../nav.js';
import { renderTable, type Col } from '../table.js';
import type { DepsSection } from './deps.js';

const svc = serviceLabel;

function edgeCols(side: 'client' | 'server', nav: Nav): Col<EdgeRow>[] {
  return [
    { key: side, header: side, kind: 'text', value: (r) => r[side], cell: (r) => linkButton(r[side], 'Show on the map', () => nav.focusNode(r[side])) },
    { key: 'service', header: 'service', kind: 'text', value: svc, cell: (r) => linkButton(svc(r), 'Show this dependency on the map', () => nav.focusEdge(r)) },
    { key: 'bytes_c2s', header: '→', kind: 'bytes', value: (r) => r.bytes_c2s },
    { key: 'bytes_s2c', header: '←', kind: 'bytes', value: (r) => r.bytes_s2c },
    { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
    { key: 'connections', header: 'conns', kind: 'number', value: (r) => r.connections },
  ];
}

const serviceCols: Col<ServiceRow>[] = [
  { key: 'service', header: 'service', kind: 'text', value: svc },
  { key: 'clients', header: 'clients', kind: 'number', value: (r) => r.clients },
  { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
  { key: 'connections', header: 'conns', kind: 'number', value: (r) => r.connections },
];

/** What `flowmap agent` saw listening on the host: the answer to `lsof -i :PORT` without logging in. */
const processCols: Col<ListeningProcess>[] = [
  { key: 'process', header: 'program', kind: 'text', value: (r) => r.process, cell: (r) => h('span', { title: [r.exe, r.cmdline].filter(Boolean).join('\n') }, r.process) },
  { key: 'port', header: 'port', kind: 'text', value: (r) => `${r.port}/${r.proto}` },
  { key: 'user', header: 'user', kind: 'text', value: (r) => r.user },
  { key: 'pid', header: 'pid', kind: 'number', value: (r) => r.pid },
  { key: 'container', header: 'container', kind: 'text', value: (r) => r.container.slice(0, 12) },
  { key: 'last_seen', header: 'last seen', kind: 'time', value: (r) => r.last_seen },
];

/**
 * `deps`: the dependency view's controls for this host (kept by the page across panel refreshes);
 * `rates`: its rates and chart (rates.ts).
 */
export function hostPanel(d: HostDetail, nav: Nav, deps: DepsSection, rates: HTMLElement): HTMLElement {
  const box = h('div', { class: 'detail', 'data-testid': 'host-detail' });
  box.append(h('h2', {}, h('span', { 'data-testid': 'title' }, d.name ?? d.address)));
  if (d.name) box.append(h('div', { class: 'mono', 'data-testid': 'address' }, d.address));
  if (d.group) box.append(h('div', { class: 'muted' }, 'group ', h('b', {}, d.group)));
  if (d.names.length) {
    const ul = h('ul', { class: 'names', 'data-testid': 'names' });
    for (const n of d.names) ul.append(h('li', { title: `seen ${when(n.first_seen)} – ${when(n.last_seen)} UTC` }, h('span', { class: 'name' }, n.name), ' ', h('span', { class: 'src' }, n.source)));
    box.append(h('h3', {}, 'Names'), ul);
  }
  const t = d.totals;
  if (!t) box.append(h('p', { class: 'muted' }, 'No traffic in this window.'));
  else {
    box.append(
      totalsList([
        ['sent', bytesEl(t.bytes_sent), 'bytes_sent'],
        ['received', bytesEl(t.bytes_received), 'bytes_received'],
        ['total', bytesEl(t.bytes), 'bytes'],
        ['packets', num(t.packets), 'packets'],
        ['peers', num(t.peers), 'peers'],
        ['connections', num(t.connections), 'connections'],
        ['seen', `${when(t.first_seen)} – ${when(t.last_seen)} UTC`, 'seen'],
      ]),
    );
  }
  box.append(deps.el);
  box.append(rates);
  if (d.services.length) box.append(h('h3', {}, 'Services offered'), renderTable(d.services, serviceCols, { testId: 'services' }));
  if (d.processes.length) box.append(h('h3', {}, `Listening programs (${d.processes.length})`), renderTable(d.processes, processCols, { testId: 'processes' }));
  box.append(h('h3', {}, `Clients (${d.clients.length})`), renderTable(d.clients, edgeCols('client', nav), { testId: 'clients' }));
  box.append(h('h3', {}, `Depends on (${d.dependsOn.length})`), renderTable(d.dependsOn, edgeCols('server', nav), { testId: 'depends-on' }));
  return box;
}
