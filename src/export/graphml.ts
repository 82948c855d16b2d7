/**
 * GraphML (yEd, Gephi, NetworkX): typed attributes on nodes and edges; group as a node attribute.
 * With a layout, yEd's graphics extension carries positions, captions, colours and line widths, so
 * yEd opens it drawn; other readers skip that data.
 */
import type { Layout } from './layout.js';
import type { DepGraph, GraphEdge, GraphNode } from '../graph/model.js';
import { xml } from './escape.js';
import { edgeText, edgeWidth, nodeLines, serviceColors } from './labels.js';

const NODE_KEYS: Array<[string, string]> = [['label', 'string'], ['kind', 'string'], ['key', 'string'], ['name', 'string'], ['name_source', 'string'], ['addresses', 'string'], ['group', 'string'], ['bytes_served', 'double'], ['bytes_used', 'double']];
const EDGE_KEYS: Array<[string, string]> = [['label', 'string'], ['port', 'int'], ['proto', 'string'], ['service', 'string'], ['bytes_c2s', 'double'], ['bytes_s2c', 'double'], ['bytes', 'double'], ['packets', 'double'], ['connections', 'double'], ['first_seen', 'string'], ['last_seen', 'string']];

export function renderGraphml(g: DepGraph, layout: Layout | null = null): string {
  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:y="http://www.yworks.com/xml/graphml" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">');
  if (layout) o.push('  <key id="n_yed" for="node" yfiles.type="nodegraphics"/>', '  <key id="e_yed" for="edge" yfiles.type="edgegraphics"/>');
  for (const [k, t] of NODE_KEYS) o.push(`  <key id="n_${k}" for="node" attr.name="${k}" attr.type="${t}"/>`);
  for (const [k, t] of EDGE_KEYS) o.push(`  <key id="e_${k}" for="edge" attr.name="${k}" attr.type="${t}"/>`);
  o.push('  <graph id="flowmap" edgedefault="directed">');
  const groupName = new Map(g.groups.map((x) => [x.id, x.name]));
  for (const n of g.nodes) {
    const d: Record<string, string | number | undefined> = {
      label: n.label, kind: n.kind, key: n.key, name: n.name, name_source: n.nameSource, addresses: n.addresses.join(' '),
      group: n.group !== undefined ? groupName.get(n.group) : undefined, bytes_served: n.bytesServed, bytes_used: n.bytesUsed,
    };
    // yEd's graphics first: readers that take a caption from it (NetworkX) then get ours after.
    o.push(`    <node id="${n.id}">${layout ? yedNode(n, layout) : ''}${data('n', d)}</node>`);
  }
  const { colorOf } = serviceColors(g);
  for (const e of g.edges) {
    const d: Record<string, string | number | undefined | null> = {
      label: edgeText(e), port: e.port, proto: e.proto, service: e.service, bytes_c2s: e.bytes_c2s, bytes_s2c: e.bytes_s2c, bytes: e.bytes,
      packets: e.packets, connections: e.connections, first_seen: e.first_seen, last_seen: e.last_seen,
    };
    o.push(`    <edge id="${e.id}" source="${e.source}" target="${e.target}">${layout ? yedEdge(e, g, layout, colorOf) : ''}${data('e', d)}</edge>`);
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

function num(v: number): string {
  return (Math.round(v * 10) / 10).toFixed(1);
}

function yedNode(n: GraphNode, layout: Layout): string {
  const b = layout.nodes[n.id];
  if (!b) return '';
  const [fill, border] = n.kind === 'host' ? ['#EEF4FB', '#4A76A8'] : n.kind === 'other' ? ['#FFFFFF', '#999999'] : ['#E8F3E8', '#4A8A4A'];
  return `<data key="n_yed"><y:ShapeNode><y:Geometry x="${num(b.x)}" y="${num(b.y)}" width="${num(b.w)}" height="${num(b.h)}"/><y:Fill color="${fill}" transparent="false"/><y:BorderStyle color="${border}" type="${n.kind === 'other' ? 'dashed' : 'line'}" width="1.0"/><y:NodeLabel fontSize="12">${xml(nodeLines(n).join('\n'))}</y:NodeLabel><y:Shape type="roundrectangle"/></y:ShapeNode></data>`;
}

function yedEdge(e: GraphEdge, g: DepGraph, layout: Layout, colorOf: (e: GraphEdge) => string): string {
  const route = layout.edges[e.id];
  // GraphML keeps the one "other" node (no tags): folded traffic runs straight to it.
  const bends = route && !layout.otherTags[e.id] ? route.points.slice(1, -1).map((p) => `<y:Point x="${num(p.x)}" y="${num(p.y)}"/>`).join('') : '';
  return `<data key="e_yed"><y:PolyLineEdge><y:Path sx="0.0" sy="0.0" tx="0.0" ty="0.0">${bends}</y:Path><y:LineStyle color="${colorOf(e).toUpperCase()}" type="${e.proto === 'various' ? 'dashed' : 'line'}" width="${edgeWidth(e, g)}.0"/><y:Arrows source="none" target="standard"/><y:EdgeLabel fontSize="10">${xml(edgeText(e))}</y:EdgeLabel></y:PolyLineEdge></data>`;
}
