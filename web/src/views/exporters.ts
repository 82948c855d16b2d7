/** The Exporters tab: `flowmap exporters` as a table (health per exporter and observation domain). */
import type { ExporterHealthRow, ExportersResponse } from '../../../src/api/types.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { renderTable, type Col } from '../table.js';

const cols: Col<ExporterHealthRow>[] = [
  { key: 'exporter', header: 'exporter', kind: 'text', value: (r) => r.exporter },
  { key: 'domain', header: 'domain', kind: 'number', value: (r) => r.domain },
  { key: 'protocol', header: 'protocol', kind: 'text', value: (r) => r.protocol },
  { key: 'datagrams', header: 'datagrams', kind: 'number', value: (r) => r.datagrams },
  { key: 'records', header: 'records', kind: 'number', value: (r) => r.records },
  { key: 'sequence_gaps', header: 'lost (seq. gaps)', kind: 'number', value: (r) => r.sequence_gaps },
  { key: 'template_misses', header: 'template misses', kind: 'number', value: (r) => r.template_misses },
  { key: 'errors', header: 'errors', kind: 'number', value: (r) => r.errors },
  {
    key: 'error_reasons', header: 'error reasons', kind: 'text',
    value: (r) => Object.entries(r.error_reasons).map(([k, v]) => `${k} ${v}`).join(', '),
  },
  { key: 'sampling_rate', header: 'sampling', kind: 'text', value: (r) => (r.sampling_rate === 0 ? 'unknown' : r.sampling_rate === 1 ? 'none' : `1:${r.sampling_rate}`) },
  { key: 'kernel_drops', header: 'kernel drops', kind: 'number', value: (r) => r.kernel_drops },
  { key: 'last_seen', header: 'last datagram', kind: 'time', value: (r) => r.last_seen },
];

export async function renderExporters(into: HTMLElement, sort: string, onSort: (s: string) => void, signal?: AbortSignal): Promise<void> {
  const r = await getJson<ExportersResponse>('/api/v1/exporters', undefined, signal);
  into.replaceChildren(
    h('p', { class: 'muted small' }, r.rows.length ? 'Exporter health as `flowmap exporters` reports it, summed over every collector run.' : 'No exporter has sent anything to this store (NetFlow, IPFIX and sFlow only).'),
    renderTable(r.rows, cols, { sort, onSort, testId: 'exporters' }),
  );
}
