/**
 * The Busiest tab: for each kind of key (busiest-kinds.ts) the API's top keys by bytes over the
 * page's window, ranked by their p95 rate (/api/v1/timeseries: the CLI's `timeseries`, whose p95 is
 * the one nearest-rank p95), with peak, p95, avg and a sparkline; then the top N of every interval.
 */
import type { TimeseriesResponse, TimeseriesRow } from '../../../src/api/types.js';
import { getJson } from '../api.js';
import { h, num } from '../dom.js';
import { rateEl } from '../panels/rates.js';
import { bps } from '../panels/rate-chart.js';
import { BUCKETS, type Bucket } from '../state.js';
import { renderTable, type Col } from '../table.js';
import { BUSIEST_KINDS, type BusiestKind, type BusiestNav } from './busiest-kinds.js';
import { sparkline } from './sparkline.js';

/** Keys asked per kind: the heaviest by bytes, then ranked here by p95. */
export const BUSIEST_LIMIT = 50;

/** Highest p95 first; equal p95s keep the API's order (heavier first). The sort is stable. */
export const byP95 = (rows: readonly TimeseriesRow[]): TimeseriesRow[] => [...rows].sort((a, b) => b.p95_bps - a.p95_bps);

function cols(kind: BusiestKind, nav: BusiestNav): Col<TimeseriesRow>[] {
  const rate = (k: 'peak_bps' | 'p95_bps' | 'avg_bps'): Col<TimeseriesRow> => ({ key: k, header: k.replace('_bps', ''), kind: 'number', value: (r) => r[k], cell: (r) => rateEl(r[k]) });
  return [
    { key: 'key', header: kind.title.toLowerCase(), kind: 'text', value: (r) => kind.key(r), cell: (r) => { const el = kind.cell(r, nav); el.setAttribute('data-key', kind.key(r)); return el; } },
    rate('peak_bps'),
    rate('p95_bps'),
    rate('avg_bps'),
    { key: 'spark', header: 'over time', kind: 'text', value: () => null, cell: (r) => sparkline(r.buckets.map((b) => bps(b.bytes, r.bucket_s))) },
  ];
}

export interface BusiestArgs {
  params: URLSearchParams;
  bucket: Bucket;
  windowText: string;
  nav: BusiestNav;
  onBucket: (b: Bucket) => void;
}

export async function renderBusiest(into: HTMLElement, a: BusiestArgs): Promise<void> {
  const answers = await Promise.all(
    BUSIEST_KINDS.map((k) => {
      const q = new URLSearchParams(a.params);
      q.set('by', k.by);
      q.set('limit', String(BUSIEST_LIMIT));
      if (a.bucket !== 'auto') q.set('bucket', a.bucket);
      return getJson<TimeseriesResponse>('/api/v1/timeseries', q);
    }),
  );
  const sel = h('select', { 'data-testid': 'busiest-bucket' }, ...BUCKETS.map((b) => h('option', { value: b }, b)));
  sel.value = a.bucket;
  sel.addEventListener('change', () => a.onBucket(BUCKETS.find((b) => b === sel.value) ?? 'auto'));
  const bucketS = answers.find((r) => r.rows.length)?.rows[0].bucket_s;
  const head = h('p', { class: 'muted' },
    `The ${num(BUSIEST_LIMIT)} heaviest keys of each kind by bytes (${a.windowText}), ranked by p95 rate`,
    bucketS !== undefined ? ` over ${num(bucketS)} s buckets` : '', '. Bucket ', sel);
  const sections = BUSIEST_KINDS.map((k, i) =>
    h('section', { class: 'busiest-kind', 'data-testid': `busiest-${k.by}` }, h('h3', {}, k.title), renderTable(byP95(answers[i].rows), cols(k, a.nav), { testId: `busiest-table-${k.by}` })),
  );
  into.replaceChildren(head, h('div', { class: 'busiest-grid' }, ...sections));
}
