/** Traffic over time (bytes per bucket, out and in) with uPlot. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../../../src/api/types.js';
import { formatBytes } from '../../../src/util/bytes.js';
import { h } from '../dom.js';

export function trafficChart(series: Series, labels: { out: string; in: string }, width: number): HTMLElement {
  const box = h('div', { class: 'chart', 'data-testid': 'chart' });
  if (series.points.length === 0) {
    box.append(h('p', { class: 'muted' }, 'no traffic over time in this window'));
    return box;
  }
  const xs = series.points.map((p) => Date.parse(p.t) / 1000);
  const outs = series.points.map((p) => p.out);
  const ins = series.points.map((p) => p.in);
  const bucket = series.bucketMs >= 3600e3 ? `${series.bucketMs / 3600e3} h` : series.bucketMs >= 60e3 ? `${series.bucketMs / 60e3} min` : `${series.bucketMs / 1000} s`;
  const opts: uPlot.Options = {
    width,
    height: 160,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      { stroke: '#555', grid: { stroke: '#eee' } },
      { stroke: '#555', grid: { stroke: '#eee' }, size: 64, values: (_u, vals) => vals.map((v) => formatBytes(v)) },
    ],
    series: [
      { label: 'UTC' },
      { label: labels.out, stroke: '#0072b2', fill: 'rgba(0,114,178,0.12)', width: 1.5, value: (_u, v) => (v === null ? '-' : formatBytes(v)) },
      { label: labels.in, stroke: '#d55e00', fill: 'rgba(213,94,0,0.10)', width: 1.5, value: (_u, v) => (v === null ? '-' : formatBytes(v)) },
    ],
  };
  box.append(h('div', { class: 'muted small' }, `bytes per ${bucket}`));
  const plot = h('div');
  box.append(plot);
  new uPlot(opts, [xs, outs, ins], plot);
  return box;
}
