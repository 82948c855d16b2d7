/**
 * A rate chart (uPlot, bit/s per bucket): total and each way, with the window's p95 and peak as
 * flat lines. The p95 and peak are the API's (/api/v1/timeseries), never recomputed here: the page
 * and the CLI must show the same numbers.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TimeseriesRow } from '../../../src/api/types.js';
import { formatBps } from '../../../src/util/rate.js';
import { h } from '../dom.js';

/** Bits per second of one bucket's bytes (bytes x 8 / bucket seconds, as the API counts). */
export const bps = (bytes: number, bucketS: number): number => (bytes * 8) / bucketS;

const value = (_u: uPlot, v: number | null): string => (v === null ? '-' : formatBps(v));

export function rateChart(row: TimeseriesRow, labels: { out: string; in: string }, width: number): HTMLElement {
  const box = h('div', { class: 'chart', 'data-testid': 'chart', 'data-points': String(row.buckets.length), 'data-bucket-s': String(row.bucket_s) });
  if (row.buckets.length === 0) {
    box.append(h('p', { class: 'muted' }, 'no traffic over time in this window'));
    return box;
  }
  const xs = row.buckets.map((b) => Date.parse(b.t) / 1000);
  const line = (v: number): number[] => xs.map(() => v);
  const opts: uPlot.Options = {
    width,
    height: 170,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      { stroke: '#555', grid: { stroke: '#eee' } },
      { stroke: '#555', grid: { stroke: '#eee' }, size: 86, values: (_u, vals) => vals.map((v) => formatBps(v)) },
    ],
    series: [
      { label: 'UTC' },
      { label: 'total', stroke: '#1d2733', width: 1.5, value },
      { label: labels.out, stroke: '#0072b2', fill: 'rgba(0,114,178,0.10)', width: 1, value },
      { label: labels.in, stroke: '#d55e00', fill: 'rgba(213,94,0,0.08)', width: 1, value },
      { label: 'p95', stroke: '#009e73', width: 1.5, dash: [6, 4], value },
      { label: 'peak', stroke: '#cc79a7', width: 1, dash: [2, 3], value },
    ],
  };
  const plot = h('div');
  box.append(plot);
  new uPlot(
    opts,
    [
      xs,
      row.buckets.map((b) => bps(b.bytes, row.bucket_s)),
      row.buckets.map((b) => bps(b.bytes_c2s, row.bucket_s)),
      row.buckets.map((b) => bps(b.bytes_s2c, row.bucket_s)),
      line(row.p95_bps),
      line(row.peak_bps),
    ],
    plot,
  );
  return box;
}
