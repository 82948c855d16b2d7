/** Graphs for export tests: small, with groups, "other", and hostile names everywhere names go. */
import { buildGraph, type GroupBy } from '../graph/build.js';
import { GroupRules } from '../graph/groups.js';
import type { DepGraph } from '../graph/model.js';
import { NameBook, type NameRow } from '../names/names.js';
import type { EdgeRow } from '../store/store.js';

export const HOSTILE = [
  '<script>alert(1)</script>',
  `"quoted" 'single' & amp;`,
  'line1\nline2\r\n\ttab',
  "=cmd|' /C calc'!A0",
  'x'.repeat(300),
  'сервер-数据库-🚀-ñ',
  ']]> --> <!-- #quot; \\l \\N {end} [x] (y) |z| `tick`',
  '+1-SUM(A1:A9)',
  'end',
];

export function edge(client: string, server: string, port: number, bytes: number, proto = 'tcp', service: string | null = null): EdgeRow {
  const c2s = Math.floor(bytes / 4);
  return {
    client, server, port, proto, service, bytes_c2s: c2s, bytes_s2c: bytes - c2s, bytes, packets: Math.ceil(bytes / 500),
    connections: 1 + (bytes % 7), first_seen: '2026-01-15T10:00:00.000Z', last_seen: '2026-01-15T10:05:00.000Z',
    server_process: null, client_process: null,
  };
}

export function names(rows: Array<[string, string]>, source: NameRow['source'] = 'dns'): NameRow[] {
  return rows.map(([address, name]) => ({ address, name, source, first_seen: '2026-01-15T10:00:00.000Z', last_seen: '2026-01-15T10:00:00.000Z' }));
}

/** Eight hosts, two groups (one with a hostile name), hostile host and program names, a folded "other". */
export function hostileGraph(groupBy: GroupBy = { kind: 'host' }): DepGraph {
  const rows = [
    edge('10.0.0.1', '10.0.1.1', 443, 9_000_000, 'tcp', 'https'),
    edge('10.0.0.2', '10.0.1.1', 443, 4_000_000, 'tcp', 'https'),
    edge('10.0.0.1', '10.0.1.2', 5432, 2_500_000, 'tcp', 'postgresql'),
    edge('10.0.0.3', '10.0.1.2', 5432, 1_200_000, 'tcp', 'postgresql'),
    edge('10.0.1.1', '10.0.2.1', 8086, 800_000, 'tcp', 'influxdb'),
    edge('10.0.0.4', '10.0.2.2', 53, 90_000, 'udp', 'dns'),
    edge('2001:db8::5', '10.0.1.1', 443, 70_000, 'tcp', 'https'),
    edge('10.0.0.9', '10.0.9.9', 9999, 1_000, 'tcp', null),
    edge('10.0.0.8', '10.0.1.1', 8443, 500, 'tcp', null),
  ];
  // Programs from agents on the hosts: as hostile as names from the network, in every label they reach.
  rows[0].server_process = HOSTILE[0];
  rows[0].client_process = HOSTILE[3];
  rows[2].server_process = HOSTILE[3];
  rows[4].server_process = HOSTILE[6];
  rows[5].server_process = HOSTILE[2];
  const book = new NameBook([
    ...names([['10.0.1.1', HOSTILE[0]], ['10.0.1.2', HOSTILE[1]], ['10.0.0.1', HOSTILE[2]], ['10.0.0.2', HOSTILE[3]], ['10.0.2.1', HOSTILE[4]], ['10.0.0.3', HOSTILE[5]], ['10.0.0.4', HOSTILE[6]]]),
    ...names([['10.0.2.2', HOSTILE[7]], ['2001:db8::5', HOSTILE[8]]], 'sni'),
  ]);
  const groups = new GroupRules([
    { name: 'Web & <DB> "tier" =1+1', subnets: ['10.0.1.0/24'] },
    { name: 'Monitoring\u2028end', serves: [{ port: 8086, proto: 'tcp' }] },
  ]);
  return buildGraph(rows, { groupBy, top: 7, other: 'fold', names: book, groups });
}
