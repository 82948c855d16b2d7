/** Edge list CSV (one row per dependency), spreadsheet-safe. */
import type { DepGraph, GraphEdge, GraphNode } from '../graph/model.js';
import { csvCell } from './escape.js';

export const EDGE_CSV_COLUMNS = [
  'client', 'client_name', 'client_group', 'server', 'server_name', 'server_group', 'port', 'proto', 'service',
  'bytes_c2s', 'bytes_s2c', 'bytes', 'packets', 'connections', 'first_seen', 'last_seen',
] as const;

export function renderCsv(g: DepGraph): string {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const groupName = new Map(g.groups.map((x) => [x.id, x.name]));
  const side = (n: GraphNode | undefined): [string, string, string] => {
    if (!n) return ['', '', ''];
    const grp = n.group !== undefined ? (groupName.get(n.group) ?? '') : n.kind === 'group' ? n.key : '';
    return [n.key, n.kind === 'host' ? (n.name ?? '') : n.label, grp];
  };
  const lines = [EDGE_CSV_COLUMNS.join(',')];
  for (const e of g.edges) {
    const row: Array<string | number | null> = [...side(byId.get(e.source)), ...side(byId.get(e.target)), ...numbers(e)];
    lines.push(row.map((v) => csvCell(v)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function numbers(e: GraphEdge): Array<string | number | null> {
  return [e.port, e.proto, e.service, e.bytes_c2s, e.bytes_s2c, e.bytes, e.packets, e.connections, e.first_seen, e.last_seen];
}
