/**
 * The busiest view's "who was loudest when": the top N keys of every interval as stacked areas
 * (as Akvorado draws them), from /api/v1/top/{kind}?per=, with a kind selector and interval control.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TopPerResponse } from '../../../src/api/types.js';
import { PALETTE } from '../../../src/export/labels.js';
import { formatBytes } from '../../../src/util/bytes.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { PERS, type Per, type StackKind } from '../state.js';
import { BUSIEST_KINDS } from './busiest-kinds.js';
import { stackOf, type Stack } from './stack-data.js';

/** Keys per interval. */
export const TOP_PER_LIMIT = 5;

export interface TopPerArgs {
  params: URLSearchParams;
  kind: StackKind;
  per: Per;
  width: number;
  onKind: (k: StackKind) => void;
  onPer: (p: Per) => void;
  /** The stack drawn, for the test hooks. */
  drawn: (s: Stack) => void;
}

/** A translucent fill of a palette colour (#rrggbb). */
const fillOf = (hex: string): string => `rgba(${parseInt(hex.slice(1, 3), 16)},${parseInt(hex.slice(3, 5), 16)},${parseInt(hex.slice(5, 7), 16)},0.55)`;

function stackChart(s: Stack, per: Per, width: number): HTMLElement {
  const box = h('div', { class: 'chart', 'data-testid': 'stack-chart', 'data-layers': String(s.keys.length), 'data-intervals': String(s.t.length) });
  if (s.t.length === 0) {
    box.append(h('p', { class: 'muted' }, 'no traffic in this window'));
    return box;
  }
  const colour = (k: number): string => PALETTE[k % PALETTE.length];
  const opts: uPlot.Options = {
    width,
    height: 260,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      { stroke: '#555', grid: { stroke: '#eee' } },
      { stroke: '#555', grid: { stroke: '#eee' }, size: 70, values: (_u, vals) => vals.map((v) => formatBytes(v)) },
    ],
    series: [
      { label: 'UTC' },
      // The legend shows each key's own bytes, not the running sum the layer is drawn at.
      ...s.keys.map((_k, k): uPlot.Series => ({
        label: s.labels[k], stroke: colour(k), fill: fillOf(colour(k)), width: 1,
        value: (_u, _v, _si, idx) => (idx === null || idx === undefined ? '-' : formatBytes(s.raw[k][idx])),
      })),
    ],
    // Each layer fills only down to the one below it.
    bands: s.keys.slice(1).map((_k, i) => ({ series: [i + 2, i + 1] as [number, number], fill: fillOf(colour(i + 1)) })),
  };
  box.append(h('div', { class: 'muted small' }, `bytes per ${per}; the top ${TOP_PER_LIMIT} of each interval stacked (a key outside an interval's top ${TOP_PER_LIMIT} counts 0 there)`));
  const plot = h('div');
  box.append(plot);
  new uPlot(opts, [s.t.map((x) => Date.parse(x) / 1000), ...s.cum], plot);
  return box;
}

export async function renderTopPer(into: HTMLElement, a: TopPerArgs): Promise<void> {
  const kind = BUSIEST_KINDS.find((k) => k.by === a.kind) ?? BUSIEST_KINDS[0];
  const q = new URLSearchParams(a.params);
  q.set('per', a.per);
  q.set('limit', String(TOP_PER_LIMIT));
  const r = await getJson<TopPerResponse>(`/api/v1/top/${kind.by}`, q);
  const s = stackOf(r.rows, (x) => kind.perKey(x), (x) => kind.perLabel(x));
  const kindSel = h('select', { 'data-testid': 'stack-kind' }, ...BUSIEST_KINDS.map((k) => h('option', { value: k.by }, k.title.toLowerCase())));
  kindSel.value = kind.by;
  kindSel.addEventListener('change', () => a.onKind(BUSIEST_KINDS.find((k) => k.by === kindSel.value)?.by ?? 'edges'));
  const perSel = h('select', { 'data-testid': 'stack-per' }, ...PERS.map((p) => h('option', { value: p }, p)));
  perSel.value = a.per;
  perSel.addEventListener('change', () => a.onPer(PERS.find((p) => p === perSel.value) ?? '5m'));
  into.replaceChildren(
    h('h3', {}, `Top ${TOP_PER_LIMIT} of every interval `, h('label', { class: 'muted small' }, ' of ', kindSel), h('label', { class: 'muted small' }, ' per ', perSel)),
    stackChart(s, a.per, a.width),
  );
  a.drawn(s);
}
