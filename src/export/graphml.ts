/** GraphML (yEd, Gephi, NetworkX): typed attributes on nodes and edges; group as a node attribute. */
import type { DepGraph } from '../graph/model.js';
import { xml } from './escape.js';
import { edgeText } from './labels.js';

const NODE_KEYS: Array<[string, string]> = [['label', 'string'], ['kind', 'string'], ['key', 'string'], ['name', 'string'], ['name_source', 'string'], ['addresses', 'string'], ['group', 'string'], ['bytes_served', 'double'], ['bytes_used', 'double']];
const EDGE_KEYS: Array<[string, string]> = [['label', 'string'], ['port', 'int'], ['proto', 'string'], ['service', 'string'], ['bytes_c2s', 'double'], ['bytes_s2c', 'double'], ['bytes', 'double'], ['packets', 'double'], ['connections', 'double'], ['first_seen', 'string'], ['last_seen', 'string']];

export function renderGraphml(g: DepGraph): string {
  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">');
  for (const [k, t] of NODE_KEYS) o.push(`  <key id="n_${k}" for="node" attr.name="${k}" attr.type="${t}"/>`);
  for (const [k, t] of EDGE_KEYS) o.push(`  <key id="e_${k}" for="edge" attr.name="${k}" attr.type="${t}"/>`);
  o.push('  <graph id="flowmap" edgedefault="directed">');
  const groupName = new Map(g.groups.map((x) => [x.id, x.name]));
  for (const n of g.nodes) {
    const d: Record<string, string | number | undefined> = {
      label: n.label, kind: n.kind, key: n.key, name: n.name, name_source: n.nameSource, addresses: n.addresses.join(' '),
      group: n.group !== undefined ? groupName.get(n.group) : undefined, bytes_served: n.bytesServed, bytes_used: n.bytesUsed,
    };
    o.push(`    <node id="${n.id}">${data('n', d)}</node>`);
  }
  for (const e of g.edges) {
    const d: Record<string, string | number | undefined | null> = {
      label: edgeText(e), port: e.port, proto: e.proto, service: e.service, bytes_c2s: e.bytes_c2s, bytes_s2c: e.bytes_s2c, bytes: e.bytes,
      packets: e.packets, connections: e.connections, first_seen: e.first_seen, last_seen: e.last_seen,
    };
    o.push(`    <edge id="${e.id}" source="${e.source}" target="${e.target}">${data('e', d)}</edge>`);
  }
  o.push('  </graph>');
  o.push('</graphml>');
  return `${o.join('\n')}\n`;
}

function data(prefix: string, d: Record<string, string | number | undefined | null>): string {
  return Object.entries(d)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `<data key="${prefix}_${k}">${xml(String(v))}</data>`)
    .join('');
}
