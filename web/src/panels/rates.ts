/**
 * The rates of one host or one dependency, for its panel: /api/v1/timeseries narrowed to that key
 * (the CLI's `timeseries` with the same filters), its peak/p95/avg as text, the rate chart and the
 * bucket-size control.
 */
import type { TimeseriesResponse, TimeseriesRow } from '../../../src/api/types.js';
import { formatBps } from '../../../src/util/rate.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { BUCKETS, type Bucket } from '../state.js';
import { rateChart } from './rate-chart.js';

export type RateKey = { kind: 'edge'; client: string; server: string; port: number; proto: string } | { kind: 'host'; address: string };

/**
 * The timeseries query of one key. An edge: client, server, port and proto pin exactly one
 * dependency. A host: every record it is in (host=), where it is the top talker; its only peer can
 * tie with it, so two rows are asked and the host's own is picked (rowOf).
 */
export function ratesQuery(filter: URLSearchParams, key: RateKey, bucket: Bucket): URLSearchParams {
  const q = new URLSearchParams(filter);
  if (key.kind === 'edge') {
    q.set('by', 'edges');
    q.set('client', key.client);
    q.set('server', key.server);
    q.set('port', String(key.port));
    q.set('proto', key.proto);
    q.set('limit', '1');
  } else {
    q.set('by', 'talkers');
    q.set('host', key.address);
    q.set('limit', '2');
  }
  if (bucket !== 'auto') q.set('bucket', bucket);
  return q;
}

/** The key's own row of the answer (null: no traffic in the window). */
export function rowOf(rows: readonly TimeseriesRow[], key: RateKey): TimeseriesRow | null {
  const hit = rows.find((r) =>
    key.kind === 'edge'
      ? r.key === 'edge' && r.client === key.client && r.server === key.server && r.port === key.port && r.proto === key.proto
      : r.key === 'talker' && r.host === key.address,
  );
  return hit ?? null;
}

export async function fetchRates(filter: URLSearchParams, key: RateKey, bucket: Bucket, signal?: AbortSignal): Promise<TimeseriesRow | null> {
  const r = await getJson<TimeseriesResponse>('/api/v1/timeseries', ratesQuery(filter, key, bucket), signal);
  return rowOf(r.rows, key);
}

/** A rate as text with the exact bit/s in the attribute the tests read. */
export function rateEl(v: number, testId?: string): HTMLElement {
  return h('span', { class: 'rate', 'data-bps': String(v), 'data-testid': testId, title: `${v.toFixed(1)} bit/s` }, formatBps(v));
}

function bucketSelect(bucket: Bucket, onBucket: (b: Bucket) => void): HTMLSelectElement {
  const sel = h('select', { 'data-testid': 'bucket', title: 'Bucket width of the rates (auto: at most 500 buckets)' }, ...BUCKETS.map((b) => h('option', { value: b }, b)));
  sel.value = bucket;
  sel.addEventListener('change', () => onBucket(BUCKETS.find((b) => b === sel.value) ?? 'auto'));
  return sel;
}

export interface RatesOptions {
  bucket: Bucket;
  onBucket: (b: Bucket) => void;
  /** Names of the two ways (host: sent/received; edge: client → server / server → client). */
  labels: { out: string; in: string };
  width: number;
}

export function ratesSection(row: TimeseriesRow | null, o: RatesOptions): HTMLElement {
  const box = h('section', { class: 'rates', 'data-testid': 'rates' });
  box.append(h('h3', {}, 'Rates ', h('label', { class: 'muted small' }, 'bucket ', bucketSelect(o.bucket, o.onBucket))));
  if (!row) {
    box.append(h('p', { class: 'muted' }, 'No traffic in this window.'));
    return box;
  }
  const table = h('table', { class: 'data rate-stats', 'data-testid': 'rate-stats' }, h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, 'peak'), h('th', { class: 'num' }, 'p95'), h('th', { class: 'num' }, 'avg'))));
  const body = h('tbody');
  const ways: Array<[string, '' | '_c2s' | '_s2c']> = [['total', ''], [o.labels.out, '_c2s'], [o.labels.in, '_s2c']];
  for (const [label, sfx] of ways) {
    body.append(
      h('tr', {},
        h('td', {}, label),
        h('td', { class: 'num' }, rateEl(row[`peak_bps${sfx}`], `peak_bps${sfx}`)),
        h('td', { class: 'num' }, rateEl(row[`p95_bps${sfx}`], `p95_bps${sfx}`)),
        h('td', { class: 'num' }, rateEl(row[`avg_bps${sfx}`], `avg_bps${sfx}`))),
    );
  }
  table.append(body);
  box.append(table, h('div', { class: 'muted small', 'data-testid': 'bucket-s' }, `${row.buckets.length} buckets of ${row.bucket_s} s; p95 = nearest rank over the buckets`), rateChart(row, o.labels, o.width));
  return box;
}
