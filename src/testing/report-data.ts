/** A small ReportData with hostile names wherever names go, for the report renderers' tests. */
import type { PlanResult, TimeseriesRow } from '../analysis/types.js';
import type { ReportData } from '../report/types.js';
import { edge, HOSTILE, hostileGraph } from './graphs.js';

const bucket = (t: string, bytes: number) => ({ t, bytes, bytes_c2s: bytes, bytes_s2c: 0, packets: 1 });
const stats = { peak_bps: 800, p95_bps: 640, avg_bps: 320, peak_bps_c2s: 800, p95_bps_c2s: 640, avg_bps_c2s: 320, peak_bps_s2c: 0, p95_bps_s2c: 0, avg_bps_s2c: 0 };
const buckets = [bucket('2026-01-15T10:00:00.000Z', 30_000), bucket('2026-01-15T10:05:00.000Z', 24_000)];

export function hostileReportData(): ReportData {
  const host = (address: string, i: number) => ({ address, name: HOSTILE[i], group: HOSTILE[(i + 1) % HOSTILE.length] });
  const a = host('10.0.0.1', 0);
  const b = host('10.0.1.1', 1);
  const c = host('10.0.2.1', 6);
  const cross = { ...edge(a.address, b.address, 443, 9000, 'tcp', HOSTILE[3]), other_wave: 2, p95_bps: 120 };
  const plan: PlanResult = {
    waves: [
      { wave: 1, hosts: [a], bytes_internal: 0, bytes_cross: 9000, cross: [cross], cross_p95_bps: 120, cross_peak_bps: 240 },
      { wave: 2, hosts: [b], bytes_internal: 0, bytes_cross: 9000, cross: [cross], cross_p95_bps: 120, cross_peak_bps: 240 },
    ],
    shared: [{ ...c, role: 'server', services: [HOSTILE[7]], waves: [1, 2], per_wave: [{ wave: 1, bytes: 5 }, { wave: 2, bytes: 6 }], bytes: 11, found: 'auto' }],
    cut: { bytes: 9000, dependencies: 1 },
    baseline: { method: HOSTILE[2], cut: { bytes: 90_000, dependencies: 4 } },
    max_hosts: 2,
    max_hosts_given: false,
    communities: 2,
    bucket_s: 300,
  };
  const edgeSeries: TimeseriesRow = { key: 'edge', client: a.address, server: b.address, port: 443, proto: 'tcp', service: HOSTILE[0], bucket_s: 300, ...stats, buckets };
  const total = { key: 'total' as const, bucket_s: 300, ...stats, buckets };
  const map = (title: string) => ({ title, graph: hostileGraph(), omitted: null, layout: 'layered' as const });
  return {
    generated_at: '2026-01-15T12:00:00.000Z',
    store: { backend: 'duckdb', display: `/tmp/${HOSTILE[0]}.duckdb` },
    filters: ['--limit 10'],
    window: { from: '2026-01-15T10:00:00.000Z', to: '2026-01-15T10:10:00.000Z' },
    bucket_s: 300,
    sources: { records: 3, first_seen: '2026-01-15T10:00:00.000Z', last_seen: '2026-01-15T10:10:00.000Z', list: [{ source: `pcap:${HOSTILE[0]}`, records: 3, first_seen: '2026-01-15T10:00:00.000Z', last_seen: '2026-01-15T10:10:00.000Z' }], exporters: [] },
    totals: { hosts: 3, dependencies: 2, bytes: 9011, packets: 20, connections: 2 },
    inventory: [a, b, c].map((h, i) => ({ ...h, services: [HOSTILE[(i + 4) % HOSTILE.length]], bytes_sent: 100 * (i + 1), bytes_received: 50, peers: 1, wave: i === 2 ? 'shared' : i + 1 })),
    map: { ...map('overview'), left_out: 1 },
    critical: [{ ...b, dependents_direct: 1, dependents_total: 1, services: [HOSTILE[5]], bytes: 9000 }],
    plan,
    waveMaps: [map('Wave 1'), map('Wave 2')],
    congestion: { edges: [edgeSeries as Extract<TimeseriesRow, { key: 'edge' }>], services: [], interfaces: [], total, busiest: { t: buckets[0].t, bytes: 30_000, talkers: [{ t: buckets[0].t, rank: 1, host: a.address, bytes_c2s: 20_000, bytes_s2c: 10_000, bytes: 30_000, packets: 3 }] } },
    diff: {
      before: { from: '2026-01-15T10:00:00.000Z', to: '2026-01-15T10:05:00.000Z', seconds: 300 },
      after: { from: '2026-01-15T10:05:00.000Z', to: '2026-01-15T10:10:00.000Z', seconds: 300 },
      threshold: 2,
      compared: 'bytes',
      added: [edge(c.address, a.address, 8080, 500, 'tcp', HOSTILE[8])],
      removed: [],
      changed: [{ client: a.address, server: b.address, port: 443, proto: 'tcp', service: HOSTILE[1], bytes_before: 100, bytes_after: 900, ratio: 9 }],
      unchanged: 0,
      hosts_added: [{ ...c, bytes: 500 }],
      hosts_removed: [],
      notes: [HOSTILE[6]],
    },
  };
}
