/**
 * Compare mode's side panel: the legend, then what `flowmap diff` lists (added, removed and changed
 * dependencies, new and gone hosts, notes). Network names go in as text only (dom.ts).
 */
import type { DiffChange, DiffHost, DiffResult, EdgeRow } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { h, linkButton, num } from '../dom.js';
import type { Nav } from '../nav.js';
import { renderTable, type Col } from '../table.js';

const LEGEND: ReadonlyArray<[cls: string, text: string]> = [
  ['cmp-added', 'added'], ['cmp-removed', 'removed (dashed)'], ['cmp-grown', 'grown'], ['cmp-shrunk', 'shrunk'],
];

function edgeCols(nav: Nav): Col<EdgeRow>[] {
  return [
    { key: 'client', header: 'client', kind: 'text', value: (r) => r.client, cell: (r) => linkButton(r.client, 'Show on the map', () => nav.focusNode(r.client)) },
    { key: 'server', header: 'server', kind: 'text', value: (r) => r.server, cell: (r) => linkButton(r.server, 'Show on the map', () => nav.focusNode(r.server)) },
    { key: 'service', header: 'service', kind: 'text', value: (r) => serviceLabel(r) },
    { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
  ];
}

function changeCols(nav: Nav): Col<DiffChange>[] {
  return [
    { key: 'client', header: 'client', kind: 'text', value: (r) => r.client, cell: (r) => linkButton(r.client, 'Show on the map', () => nav.focusNode(r.client)) },
    { key: 'server', header: 'server', kind: 'text', value: (r) => r.server, cell: (r) => linkButton(r.server, 'Show on the map', () => nav.focusNode(r.server)) },
    { key: 'service', header: 'service', kind: 'text', value: (r) => serviceLabel(r) },
    { key: 'bytes_before', header: 'before', kind: 'bytes', value: (r) => r.bytes_before },
    { key: 'bytes_after', header: 'after', kind: 'bytes', value: (r) => r.bytes_after },
    { key: 'ratio', header: 'ratio', kind: 'text', value: (r) => (r.ratio === null ? 'new' : `×${r.ratio}`) },
  ];
}

function hostCols(nav: Nav): Col<DiffHost>[] {
  return [
    { key: 'address', header: 'address', kind: 'text', value: (r) => r.address, cell: (r) => linkButton(r.address, 'Show on the map', () => nav.focusNode(r.address)) },
    { key: 'name', header: 'name', kind: 'text', value: (r) => r.name },
    { key: 'group', header: 'group', kind: 'text', value: (r) => r.group },
    { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
  ];
}

export function renderDiffLists(into: HTMLElement, d: DiffResult, nav: Nav): void {
  const legend = h('div', { class: 'keys', 'data-testid': 'cmp-legend' }, ...LEGEND.map(([cls, text]) => h('span', { class: 'key' }, h('span', { class: `swatch ${cls}` }), text)));
  const summary = h('p', { 'data-testid': 'cmp-summary' },
    `${num(d.added.length)} added, ${num(d.removed.length)} removed, ${num(d.changed.length)} changed (×${d.threshold}, ${d.compared === 'rates' ? 'of rates' : 'of bytes'}), ${num(d.unchanged)} unchanged; hosts ${num(d.hosts_added.length)} new, ${num(d.hosts_removed.length)} gone`);
  const windows = h('p', { class: 'muted small' }, `before ${d.before.from} .. ${d.before.to} (${num(d.before.seconds)} s), after ${d.after.from} .. ${d.after.to} (${num(d.after.seconds)} s)`);
  const section = (title: string, testId: string, table: HTMLElement): HTMLElement => h('section', { 'data-testid': testId }, h('h3', {}, title), table);
  const notes = d.notes.length ? h('ul', { 'data-testid': 'cmp-notes' }, ...d.notes.map((n) => h('li', {}, n))) : null;
  into.replaceChildren(
    h('h2', {}, 'What changed'), legend, summary, windows,
    ...(notes ? [notes] : []),
    section(`Added (${num(d.added.length)})`, 'cmp-added', renderTable(d.added, edgeCols(nav))),
    section(`Removed (${num(d.removed.length)})`, 'cmp-removed', renderTable(d.removed, edgeCols(nav))),
    section(`Changed (${num(d.changed.length)})`, 'cmp-changed', renderTable(d.changed, changeCols(nav))),
    section(`Hosts new (${num(d.hosts_added.length)})`, 'cmp-hosts-added', renderTable(d.hosts_added, hostCols(nav))),
    section(`Hosts gone (${num(d.hosts_removed.length)})`, 'cmp-hosts-removed', renderTable(d.hosts_removed, hostCols(nav))),
  );
}
