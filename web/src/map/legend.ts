/** What the map shows, in words: counts, what was folded into "other", the time window, colours. */
import type { DepGraph } from '../../../src/api/types.js';
import { MAX_DRAWN_EDGES } from '../api.js';
import { bytesEl, h, linkButton, num } from '../dom.js';
import { GREY } from '../../../src/export/labels.js';
import type { Palette } from './palette.js';

/** Colour set through the CSSOM (allowed by the CSP, unlike style attributes). */
function swatch(color: string): HTMLElement {
  const el = h('span', { class: 'swatch' });
  el.style.backgroundColor = color;
  return el;
}

/** `capped`: the user asked for more edges than the page draws (MAX_DRAWN_EDGES). */
export function renderMeta(into: HTMLElement, g: DepGraph, windowText: string, hidden: number, capped: boolean): void {
  const m = g.meta;
  const drawn = g.edges.reduce((s, e) => s + e.bytes, 0);
  const parts: Array<Node | string> = [
    h('span', { 'data-testid': 'counts' }, `${num(g.nodes.length)} nodes, ${num(g.edges.length)} dependencies`),
    ', ', bytesEl(drawn), ` · ${windowText}`,
  ];
  if (m.cutEdges > 0) {
    const what = m.other === 'fold' ? 'folded into the dashed "other" node' : 'not drawn';
    const more = capped ? `the map draws at most ${num(MAX_DRAWN_EDGES)} dependencies (exports hold them all)` : 'raise "edges" to draw more';
    parts.push(h('div', { 'data-testid': 'folded' }, `${num(m.cutEdges)} smaller dependencies (`, bytesEl(m.cutBytes), `) ${what}; ${more}.`));
  }
  if (hidden > 0) parts.push(h('div', {}, `${num(hidden)} hosts inside collapsed groups.`));
  into.replaceChildren(...parts);
}

export function renderLegend(into: HTMLElement, g: DepGraph, palette: Palette, groups: { names: string[]; collapsed: ReadonlySet<string>; toggle: (name: string) => void; setAll: (collapsed: boolean) => void }): void {
  const items = palette.legend(g).map((x) => h('span', { class: 'key', title: `${x.bytes.toLocaleString('en-US')} bytes` }, swatch(x.color), x.service));
  const rest = g.edges.some((e) => palette.colorOf(e) === GREY) ? [h('span', { class: 'key' }, swatch(GREY), 'other services / folded')] : [];
  const children: Node[] = [h('div', { class: 'keys' }, ...items, ...rest), h('div', { class: 'muted small' }, 'Arrows go from client to server; width grows with bytes (log scale), node size with traffic. Double-click a group to collapse or expand it.')];
  if (groups.names.length) {
    const row = h('div', { class: 'groups' }, 'groups: ');
    row.append(linkButton('collapse all', 'One node per group (the shared services stay)', () => groups.setAll(true), 'collapse-all'), ' ', linkButton('expand all', 'Every host', () => groups.setAll(false), 'expand-all'), ' · ');
    for (const name of groups.names) row.append(linkButton(`${groups.collapsed.has(name) ? '▸' : '▾'} ${name}`, groups.collapsed.has(name) ? 'Expand' : 'Collapse', () => groups.toggle(name)), ' ');
    children.push(row);
  }
  into.replaceChildren(...children);
}
