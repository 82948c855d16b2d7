/** The detail panel of one dependency (client -> server per service): totals each way, conversations. */
import type { ConversationRow, EdgeDetail } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { bytesEl, h, linkButton, num, totalsList, when } from '../dom.js';
import type { Nav } from '../nav.js';
import type { EdgeSel } from '../state.js';
import { renderTable, type Col } from '../table.js';

const convCols: Col<ConversationRow>[] = [
  { key: 'client_port', header: 'client port', kind: 'text', value: (r) => String(r.client_port) },
  { key: 'vlan', header: 'vlan', kind: 'number', value: (r) => r.vlan },
  { key: 'client_process', header: 'client program', kind: 'text', value: (r) => r.client_process },
  { key: 'bytes_c2s', header: '→', kind: 'bytes', value: (r) => r.bytes_c2s },
  { key: 'bytes_s2c', header: '←', kind: 'bytes', value: (r) => r.bytes_s2c },
  { key: 'packets', header: 'packets', kind: 'number', value: (r) => r.packets },
  { key: 'records', header: 'records', kind: 'number', value: (r) => r.records },
  { key: 'first_seen', header: 'first seen', kind: 'time', value: (r) => r.first_seen },
  { key: 'last_seen', header: 'last seen', kind: 'time', value: (r) => r.last_seen },
];

/** `rates`: the dependency's rates and chart (rates.ts). */
export function edgePanel(sel: EdgeSel, d: EdgeDetail, nav: Nav, rates: HTMLElement): HTMLElement {
  const box = h('div', { class: 'detail', 'data-testid': 'edge-detail' });
  const svc = serviceLabel({ port: sel.port, proto: sel.proto, service: d.edge?.service ?? null, process: d.edge?.server_process ?? null });
  box.append(h('h2', {}, h('span', { 'data-testid': 'title' }, svc)));
  const end = (addr: string, name: string | null, role: string): HTMLElement =>
    h('div', { class: 'end' }, h('span', { class: 'muted' }, `${role} `), linkButton(name ?? addr, 'Show on the map', () => nav.focusNode(addr)), name ? h('span', { class: 'mono muted' }, ` ${addr}`) : null);
  box.append(end(sel.client, d.clientName, 'client'), end(sel.server, d.serverName, 'server'));
  const e = d.edge;
  if (!e) box.append(h('p', { class: 'muted' }, 'No traffic on this dependency in this window.'));
  else {
    box.append(
      totalsList([
        ['client → server', bytesEl(e.bytes_c2s), 'bytes_c2s'],
        ['server → client', bytesEl(e.bytes_s2c), 'bytes_s2c'],
        ['total', bytesEl(e.bytes), 'bytes'],
        ['packets', num(e.packets), 'packets'],
        ['connections', num(e.connections), 'connections'],
        ['seen', `${when(e.first_seen)} – ${when(e.last_seen)} UTC`, 'seen'],
        ...(e.server_process === null ? [] : [['server program', e.server_process, 'server_process'] as [string, string, string]]),
        ...(e.client_process === null ? [] : [['client program', e.client_process, 'client_process'] as [string, string, string]]),
      ]),
    );
  }
  box.append(rates);
  box.append(h('h3', {}, `Conversations (${d.conversations.length})`), renderTable(d.conversations, convCols, { testId: 'conversations' }));
  return box;
}
