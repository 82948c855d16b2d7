/**
 * The report's words and tables, once, as a small document model: sections of paragraphs, facts,
 * tables, maps and sub-sections. The HTML and Markdown renderers only serialise it, so both say
 * the same thing. Text here is plain (unescaped): each renderer escapes it for its language.
 */
import type { DiffResult, EdgeSeries, InterfaceSeries, PlanResult, PlanWave, ServiceSeries } from '../analysis/types.js';
import { serviceLabel } from '../graph/model.js';
import { formatBytes } from '../util/bytes.js';
import { formatBps } from '../util/rate.js';
import type { ReportData, ReportMap } from './types.js';

/** A table cell: text, a number shown in human units (the exact value kept), or a sparkline. */
export type Cell = string | { text: string; value: number } | { spark: number[]; label: string };

export interface Table {
  columns: Array<{ title: string; numeric?: boolean }>;
  rows: Cell[][];
}

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'facts'; items: Array<[string, string]> }
  | { kind: 'table'; id: string; table: Table }
  | { kind: 'map'; map: ReportMap }
  | { kind: 'sub'; id: string; title: string; blocks: Block[] };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export const REPORT_TITLE = 'flowmap migration report';

const bytes = (n: number): Cell => ({ text: formatBytes(n), value: n });
const bps = (n: number | null): Cell => (n === null ? '-' : { text: formatBps(n), value: n });
const count = (n: number): Cell => ({ text: n.toLocaleString('en'), value: n });
const nameOf = (h: { name: string | null }): string => h.name ?? '';
const waveText = (w: number | 'shared' | null): string => (w === null ? '' : w === 'shared' ? 'shared' : String(w));

/** The sections that have data, in reading order; Method always. */
export function reportSections(d: ReportData): Section[] {
  const s: Section[] = [summary(d)];
  if (d.inventory.length) s.push(inventory(d));
  if (d.map.graph || d.map.omitted) s.push({ id: 'map', title: 'Dependency map', blocks: [mapIntro(d), { kind: 'map', map: d.map }] });
  if (d.critical.length) s.push(critical(d));
  if (d.plan?.waves.length) s.push(waves(d, d.plan));
  if (d.plan?.shared.length) s.push(shared(d.plan));
  const c = congestion(d);
  if (c.blocks.length) s.push(c);
  if (d.diff) s.push(drift(d.diff, hostLabel(d)));
  s.push(method(d));
  return s;
}

function summary(d: ReportData): Section {
  const items: Array<[string, string]> = [
    ['Window', d.window ? `${d.window.from} to ${d.window.to}` : 'no flows match the filters'],
    ['Hosts', d.totals.hosts.toLocaleString('en')],
    ['Dependencies', `${d.totals.dependencies.toLocaleString('en')} (client \u2192 server per service)`],
    ['Traffic', `${formatBytes(d.totals.bytes)} (${d.totals.bytes.toLocaleString('en')} bytes), ${d.totals.packets.toLocaleString('en')} packets, ${d.totals.connections.toLocaleString('en')} connections`],
  ];
  const t = d.congestion.total;
  if (t) items.push(['All traffic', `p95 ${formatBps(t.p95_bps)}, peak ${formatBps(t.peak_bps)}, average ${formatBps(t.avg_bps)}`]);
  if (d.plan) items.push(['Plan', `${d.plan.waves.length} waves, ${d.plan.shared.length} shared services; ${d.plan.cut.dependencies} dependencies (${formatBytes(d.plan.cut.bytes)}) cross between waves${savedText(d.plan)}`]);
  items.push(['Store', `${d.store.backend}: ${d.store.display}; ${d.sources.records.toLocaleString('en')} flow records${d.sources.first_seen ? ` from ${d.sources.first_seen} to ${d.sources.last_seen}` : ''}`]);
  items.push(['Sources', sourcesText(d)]);
  if (d.sources.exporters.length) items.push(['Flow exporters', d.sources.exporters.map((e) => `${e.exporter} (${e.protocol}, ${e.records.toLocaleString('en')} records${e.sampling_rate > 1 ? `, sampling 1:${e.sampling_rate}` : ''})`).join('; ')]);
  items.push(['Filters', d.filters.join(' ')]);
  items.push(['Generated', d.generated_at]);
  return { id: 'summary', title: 'Summary', blocks: [{ kind: 'facts', items }] };
}

/** Most sources the summary names; the rest are counted. */
const MAX_SOURCES = 20;

function sourcesText(d: ReportData): string {
  const list = d.sources.list;
  if (list.length === 0) return 'none';
  const shown = list.slice(0, MAX_SOURCES).map((s) => `${s.source} (${s.records.toLocaleString('en')} records, ${s.first_seen} to ${s.last_seen})`);
  return `${shown.join('; ')}${list.length > MAX_SOURCES ? `; and ${list.length - MAX_SOURCES} more` : ''}`;
}

/** A host as tables show it: its name, else its address. */
function hostLabel(d: ReportData): (address: string) => string {
  const label = new Map(d.inventory.map((h) => [h.address, h.name ?? h.address]));
  return (a) => label.get(a) ?? a;
}

function savedText(p: PlanResult): string {
  return p.baseline.cut.bytes > 0 ? `, ${(100 * (1 - p.cut.bytes / p.baseline.cut.bytes)).toFixed(1)} % less than the baseline (${p.baseline.method})` : '';
}

function inventory(d: ReportData): Section {
  const withWave = d.plan !== null;
  const table: Table = {
    columns: [{ title: 'Address' }, { title: 'Name' }, { title: 'Group' }, ...(withWave ? [{ title: 'Wave' }] : []), { title: 'Services offered' }, { title: 'Sent', numeric: true }, { title: 'Received', numeric: true }, { title: 'Peers', numeric: true }],
    rows: d.inventory.map((h) => [h.address, nameOf(h), h.group ?? '', ...(withWave ? [waveText(h.wave)] : []), h.services.join(', '), bytes(h.bytes_sent), bytes(h.bytes_received), count(h.peers)]),
  };
  return {
    id: 'inventory',
    title: 'Inventory',
    blocks: [
      { kind: 'p', text: `${d.inventory.length} hosts, busiest first. Sent and received are IP-layer bytes as top --by talkers counts them; peers are the distinct hosts each talked with.` },
      { kind: 'table', id: 'inventory-hosts', table },
      { kind: 'p', text: 'No processes column: flowmap has no host agent yet, so the store knows addresses and ports, not the programs behind them.' },
    ],
  };
}

function mapIntro(d: ReportData): Block {
  const how = d.plan ? 'Every host in its wave.' : 'Hosts grouped by config group, else by the application flowmap finds in the traffic (--waves N plans waves).';
  const shared = d.map.left_out ? ` The ${d.map.left_out} dependencies of the shared services are left out here: ${d.plan ? "each wave's map shows them" : 'the inventory lists them'}.` : '';
  return { kind: 'p', text: `${how}${shared} Arrows go from client to server; line width grows with bytes.` };
}

function critical(d: ReportData): Section {
  const table: Table = {
    columns: [{ title: 'Address' }, { title: 'Name' }, { title: 'Group' }, { title: 'Direct dependents', numeric: true }, { title: 'All dependents', numeric: true }, { title: 'Services' }, { title: 'Bytes served', numeric: true }],
    rows: d.critical.map((c) => [c.address, nameOf(c), c.group ?? '', count(c.dependents_direct), count(c.dependents_total), c.services.slice(0, 4).join(', '), bytes(c.bytes)]),
  };
  return { id: 'critical', title: 'Critical hosts', blocks: [{ kind: 'p', text: 'Blast radius (deps --critical): the hosts that the most others depend on, directly or through other hosts.' }, { kind: 'table', id: 'critical-hosts', table }] };
}

function waves(d: ReportData, p: PlanResult): Section {
  const label = hostLabel(d);
  const blocks: Block[] = [{ kind: 'p', text: `${p.waves.length} waves of at most ${p.max_hosts} hosts; the traffic falls into ${p.communities} applications. p95 rates use ${p.bucket_s ?? '-'} s buckets.` }];
  p.waves.forEach((w, i) => blocks.push({ kind: 'sub', id: `wave-${w.wave}`, title: `Wave ${w.wave}`, blocks: waveBlocks(w, d.waveMaps[i], label) }));
  return { id: 'waves', title: 'Waves', blocks };
}

function waveBlocks(w: PlanWave, map: ReportMap | undefined, label: (address: string) => string): Block[] {
  const other = (n: number | null): string => (n === null ? 'shared' : `wave ${n}`);
  const blocks: Block[] = [
    {
      kind: 'facts',
      items: [
        ['Hosts', w.hosts.map((h) => (h.name ? `${h.name} (${h.address})` : h.address)).join(', ')],
        ['Link needed in flight', `p95 ${w.cross_p95_bps === null ? '-' : formatBps(w.cross_p95_bps)}, peak ${w.cross_peak_bps === null ? '-' : formatBps(w.cross_peak_bps)} (its cross dependencies summed per bucket)`],
        ['Traffic', `${formatBytes(w.bytes_internal)} inside the wave, ${formatBytes(w.bytes_cross)} across ${w.cross.length} cross dependencies`],
      ],
    },
  ];
  if (map) blocks.push({ kind: 'map', map });
  if (w.cross.length) {
    blocks.push({
      kind: 'table',
      id: `cross-${w.wave}`,
      table: {
        columns: [{ title: 'Client' }, { title: 'Server' }, { title: 'Service' }, { title: 'Other end' }, { title: 'Bytes', numeric: true }, { title: 'p95', numeric: true }],
        rows: w.cross.map((e) => [label(e.client), label(e.server), serviceLabel(e), other(e.other_wave), bytes(e.bytes), bps(e.p95_bps)]),
      },
    });
  }
  return blocks;
}

function shared(p: PlanResult): Section {
  const table: Table = {
    columns: [{ title: 'Address' }, { title: 'Name' }, { title: 'Role' }, { title: 'Services' }, { title: 'Used by waves' }, { title: 'Bytes', numeric: true }],
    rows: p.shared.map((s) => [s.address, nameOf(s), s.role, s.services.slice(0, 4).join(', '), s.per_wave.map((x) => `${x.wave} (${formatBytes(x.bytes)})`).join(', '), bytes(s.bytes)]),
  };
  return { id: 'shared', title: 'Shared services', blocks: [{ kind: 'p', text: 'Hosts many applications use (DNS, LDAP) or that reach into them (monitoring, backup): kept out of the waves, reachable from both sites while the migration runs.' }, { kind: 'table', id: 'shared-hosts', table }] };
}

type Series = EdgeSeries | ServiceSeries | InterfaceSeries;

function seriesTable(id: string, keyTitle: string, rows: Series[], key: (r: Series) => string): Block {
  return {
    kind: 'table',
    id,
    table: {
      columns: [{ title: keyTitle }, { title: 'p95', numeric: true }, { title: 'Peak', numeric: true }, { title: 'Average', numeric: true }, { title: 'Traffic over time' }],
      rows: rows.map((r) => [key(r), bps(r.p95_bps), bps(r.peak_bps), bps(r.avg_bps), { spark: r.buckets.map((b) => b.bytes), label: `${key(r)}: bytes per ${r.bucket_s} s bucket` }]),
    },
  };
}

function congestion(d: ReportData): Section {
  const c = d.congestion;
  const host = hostLabel(d);
  const blocks: Block[] = [];
  if (c.edges.length) blocks.push({ kind: 'sub', id: 'busiest-edges', title: 'Busiest dependencies by p95', blocks: [seriesTable('congestion-edges', 'Dependency', c.edges, (r) => (r.key === 'edge' ? `${host(r.client)} \u2192 ${host(r.server)} ${serviceLabel(r)}` : ''))] });
  if (c.services.length) blocks.push({ kind: 'sub', id: 'busiest-services', title: 'Busiest services by p95', blocks: [seriesTable('congestion-services', 'Service', c.services, (r) => (r.key === 'service' ? serviceLabel(r) : ''))] });
  if (c.interfaces.length) blocks.push({ kind: 'sub', id: 'busiest-interfaces', title: 'Busiest exporter interfaces by p95', blocks: [seriesTable('congestion-interfaces', 'Interface', c.interfaces, (r) => (r.key === 'interface' ? `${r.exporter} if ${r.if_index}${r.if_name ? ` (${r.if_name})` : ''}` : ''))] });
  if (c.busiest && c.busiest.talkers.length) {
    blocks.push({
      kind: 'sub',
      id: 'busiest-interval',
      title: 'Top talkers in the busiest interval',
      blocks: [
        { kind: 'p', text: `The busiest ${c.total?.bucket_s ?? ''} s interval starts at ${c.busiest.t} and carried ${formatBytes(c.busiest.bytes)} (${c.total ? formatBps((c.busiest.bytes * 8) / c.total.bucket_s) : ''}).` },
        {
          kind: 'table',
          id: 'busiest-talkers',
          table: {
            columns: [{ title: 'Rank', numeric: true }, { title: 'Host' }, { title: 'Sent', numeric: true }, { title: 'Received', numeric: true }, { title: 'Bytes', numeric: true }],
            rows: c.busiest.talkers.map((t) => [count(t.rank), host(t.host ?? ''), bytes(t.bytes_c2s), bytes(t.bytes_s2c), bytes(t.bytes)]),
          },
        },
      ],
    });
  }
  return { id: 'congestion', title: 'Congestion', blocks };
}

function drift(x: DiffResult, host: (address: string) => string): Section {
  const edge = (e: { client: string; server: string; port: number; proto: string; service: string | null }): string[] => [host(e.client), host(e.server), serviceLabel(e)];
  const cols = [{ title: 'Client' }, { title: 'Server' }, { title: 'Service' }];
  const blocks: Block[] = [
    { kind: 'p', text: `Before ${x.before.from} to ${x.before.to}, after ${x.after.from} to ${x.after.to}; a change is ${x.threshold} times or 1/${x.threshold} of the ${x.compared}. ${x.added.length} dependencies added, ${x.removed.length} removed, ${x.changed.length} changed, ${x.unchanged} unchanged.` },
    ...x.notes.map((n): Block => ({ kind: 'p', text: n })),
  ];
  if (x.added.length) blocks.push({ kind: 'sub', id: 'drift-added', title: 'Added', blocks: [{ kind: 'table', id: 'drift-added-table', table: { columns: [...cols, { title: 'Bytes after', numeric: true }], rows: x.added.map((e) => [...edge(e), bytes(e.bytes)]) } }] });
  if (x.removed.length) blocks.push({ kind: 'sub', id: 'drift-removed', title: 'Removed', blocks: [{ kind: 'table', id: 'drift-removed-table', table: { columns: [...cols, { title: 'Bytes before', numeric: true }], rows: x.removed.map((e) => [...edge(e), bytes(e.bytes)]) } }] });
  if (x.changed.length) {
    const rows = x.changed.map((e): Cell[] => [...edge(e), bytes(e.bytes_before), bytes(e.bytes_after), e.ratio === null ? 'new traffic' : { text: `${e.ratio.toFixed(2)}\u00d7`, value: e.ratio }]);
    blocks.push({ kind: 'sub', id: 'drift-changed', title: 'Changed', blocks: [{ kind: 'table', id: 'drift-changed-table', table: { columns: [...cols, { title: 'Bytes before', numeric: true }, { title: 'Bytes after', numeric: true }, { title: 'Ratio', numeric: true }], rows } }] });
  }
  const hosts = [...x.hosts_added.map((h) => [h.address, nameOf(h), 'added', bytes(h.bytes)]), ...x.hosts_removed.map((h) => [h.address, nameOf(h), 'removed', bytes(h.bytes)])];
  if (hosts.length) blocks.push({ kind: 'sub', id: 'drift-hosts', title: 'Hosts added and removed', blocks: [{ kind: 'table', id: 'drift-hosts-table', table: { columns: [{ title: 'Address' }, { title: 'Name' }, { title: 'Change' }, { title: 'Bytes', numeric: true }], rows: hosts } }] });
  return { id: 'drift', title: 'Drift', blocks };
}

function method(d: ReportData): Section {
  const blocks: Block[] = [
    { kind: 'p', text: 'Bytes are IP-layer octets (IP header and payload) in each direction, as NetFlow and IPFIX count them; sampled exporters\u2019 counts are scaled by their sampling rate. A dependency is a client \u2192 server pair per service (server port and protocol).' },
    { kind: 'p', text: `Rates are bits per second per bucket of ${d.bucket_s ?? '-'} s; buckets start at UTC multiples of their width, a flow record counts in the bucket where it starts, and empty buckets count as 0. The p95 is the nearest rank \u23080.95 n\u2309 of the n bucket rates (as carriers bill: the top 5 % discarded); the peak is the highest bucket.` },
  ];
  const n = d.congestion.total?.buckets.length ?? 0;
  // Below 20 buckets nothing is discarded: say so, or a reader takes p95 = peak for a bug.
  if (n > 0 && n < 20) blocks.push({ kind: 'p', text: `This window has ${n} buckets, fewer than 20: the p95 discards none of them and equals the peak. A longer window or a narrower --bucket separates them.` });
  if (d.plan) {
    const p = d.plan;
    blocks.push({ kind: 'p', text: `The plan groups hosts into waves by Louvain communities of their traffic, packs them into ${p.waves.length} waves of at most ${p.max_hosts} hosts${p.max_hosts_given ? ' (as asked)' : ''}, and refines the cut. Its cut: ${p.cut.dependencies} dependencies, ${formatBytes(p.cut.bytes)}; the naive baseline (${p.baseline.method}): ${p.baseline.cut.dependencies} dependencies, ${formatBytes(p.baseline.cut.bytes)}${savedText(p)}. A wave's link is the p95 and peak of all its cross dependencies summed per bucket.` });
  }
  const bucket = d.bucket_s === null ? '' : ` --bucket ${d.bucket_s}s`;
  blocks.push({ kind: 'p', text: `Filters: ${d.filters.join(' ')}. With the same filters, flowmap top, plan${bucket}, timeseries${bucket} and diff give the same numbers.` });
  return { id: 'method', title: 'Method', blocks };
}
