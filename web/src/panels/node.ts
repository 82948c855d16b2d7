/**
 * Panels drawn from the graph itself: groups, subnets, the "other" node, collapsed containers, and
 * edges between such nodes (the API's host and edge details are per host).
 */
import type { DepGraph } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { bytesEl, h, linkButton, num, when } from '../dom.js';
import type { EdgeData, NodeData } from '../map/elements.js';
import type { Nav } from '../nav.js';

export function nodePanel(n: NodeData, g: DepGraph, nav: Nav): HTMLElement {
  const box = h('div', { class: 'detail', 'data-testid': 'node-detail' });
  const kind = n.kind === 'container' ? 'group' : n.kind;
  box.append(h('h2', {}, h('span', { 'data-testid': 'title' }, n.label)), h('div', { class: 'muted' }, kind));
  const dl = h('dl', { class: 'totals' });
  dl.append(h('dt', {}, 'as server'), h('dd', {}, bytesEl(n.bytesServed)), h('dt', {}, 'as client'), h('dd', {}, bytesEl(n.bytesUsed)));
  box.append(dl);
  if (n.kind === 'other') {
    const m = g.meta;
    box.append(h('p', {}, `Stands for ${num(m.cutEdges)} smaller dependencies (`, bytesEl(m.cutBytes), `) beyond the ${num(g.edges.length)} drawn.`));
  }
  if (n.kind === 'container') {
    box.append(
      h('p', {}, `${num(n.members ?? 0)} hosts. `),
      linkButton(n.collapsed ? 'Expand group' : 'Collapse group', 'Draw the group as one node, or its hosts one by one', () => nav.toggleGroup(n.key)),
    );
  }
  // Addresses inside (group/subnet nodes, or a collapsed container's members).
  const model = n.kind === 'container' ? g.nodes.filter((x) => g.groups.find((gr) => gr.name === n.key)?.members.includes(x.id)) : g.nodes.filter((x) => x.kind === n.kind && x.key === n.key);
  const addresses = n.kind === 'container' ? model.map((x) => ({ addr: x.key, label: x.label })) : (model[0]?.addresses ?? []).map((a) => ({ addr: a, label: a }));
  if (addresses.length && n.kind !== 'other') {
    const ul = h('ul', { class: 'members' });
    for (const a of addresses.slice(0, 500)) ul.append(h('li', {}, linkButton(a.label, 'Show this host', () => nav.focusNode(a.addr)), a.label !== a.addr ? h('span', { class: 'mono muted' }, ` ${a.addr}`) : null));
    box.append(h('h3', {}, `Hosts (${addresses.length})`), ul);
  }
  return box;
}

export function graphEdgePanel(e: EdgeData): HTMLElement {
  const box = h('div', { class: 'detail', 'data-testid': 'edge-detail' });
  box.append(h('h2', {}, h('span', { 'data-testid': 'title' }, serviceLabel(e))));
  box.append(h('div', {}, `${e.client} → ${e.server}`));
  if (e.parts > 1) box.append(h('p', { class: 'muted' }, `${num(e.parts)} dependencies summed.`));
  const dl = h('dl', { class: 'totals', 'data-testid': 'totals' });
  dl.append(
    h('dt', {}, 'client → server'), h('dd', { 'data-testid': 'bytes_c2s' }, bytesEl(e.bytes_c2s)),
    h('dt', {}, 'server → client'), h('dd', { 'data-testid': 'bytes_s2c' }, bytesEl(e.bytes_s2c)),
    h('dt', {}, 'total'), h('dd', { 'data-testid': 'bytes' }, bytesEl(e.bytes)),
    h('dt', {}, 'packets'), h('dd', {}, num(e.packets)),
    h('dt', {}, 'connections'), h('dd', {}, num(e.connections)),
    h('dt', {}, 'seen'), h('dd', {}, `${when(e.first_seen)} – ${when(e.last_seen)} UTC`),
  );
  box.append(dl);
  return box;
}
