/**
 * draw.io's CSV import (Arrange > Insert > Advanced > CSV): `#` directives, then one row per node
 * (and per group, as a container parent). Edges come from `# connect:` directives: one per
 * (service, line width), each reading a column that lists the row's servers for that service.
 */
import type { DepGraph } from '../graph/model.js';
import { serviceLabel } from '../graph/model.js';
import { csvCell } from './escape.js';
import { edgeWidth, nodeLines, shorten } from './labels.js';

const NODE_STYLE = 'rounded=1;whiteSpace=wrap;html=0;fillColor=#eef4fb;strokeColor=#4a76a8;';
const GROUP_STYLE = 'swimlane;container=1;collapsible=0;rounded=1;html=0;fillColor=#f6f6f2;strokeColor=#9a9a8a;startSize=26;';

export function renderDrawioCsv(g: DepGraph): string {
  // One column per (service, width): draw.io draws each connect directive with one label and style.
  const columns = new Map<string, { col: string; label: string; width: number; dashed: boolean }>();
  const targets = new Map<string, Map<string, string[]>>(); // node id -> column -> target ids
  for (const e of g.edges) {
    const label = shorten(serviceLabel(e));
    const width = edgeWidth(e, g);
    const k = `${label}\u0000${width}`;
    let c = columns.get(k);
    if (!c) columns.set(k, (c = { col: `to${columns.size + 1}`, label, width, dashed: e.proto === 'various' }));
    let byCol = targets.get(e.source);
    if (!byCol) targets.set(e.source, (byCol = new Map()));
    const list = byCol.get(c.col) ?? [];
    list.push(e.target);
    byCol.set(c.col, list);
  }
  const cols = [...columns.values()];
  const out: string[] = [];
  out.push('## flowmap dependency map: in draw.io use Arrange > Insert > Advanced > CSV and paste this file');
  out.push('# label: %label%');
  out.push('# style: %style%');
  out.push('# identity: id');
  out.push('# parent: parent');
  out.push(`# parentstyle: ${GROUP_STYLE}`);
  out.push('# namespace: flowmap-');
  out.push('# width: auto');
  out.push('# height: auto');
  out.push('# padding: 12');
  for (const c of cols) {
    out.push(`# connect: ${JSON.stringify({ from: c.col, to: 'id', invert: false, label: c.label, style: `endArrow=block;endFill=1;html=0;fontSize=10;strokeWidth=${c.width};${c.dashed ? 'dashed=1;' : ''}` })}`);
  }
  out.push(`# ignore: id,parent,style,addresses${cols.map((c) => `,${c.col}`).join('')}`);
  out.push('# nodespacing: 40');
  out.push('# levelspacing: 100');
  out.push('# edgespacing: 40');
  out.push('# layout: horizontalflow');
  out.push('## CSV follows');
  const header = ['id', 'label', 'style', 'parent', 'addresses', ...cols.map((c) => c.col)];
  out.push(header.join(','));
  for (const grp of g.groups) out.push(row([grp.id, grp.name, GROUP_STYLE, '', '', ...cols.map(() => '')]));
  for (const n of g.nodes) {
    const byCol = targets.get(n.id);
    const style = n.kind === 'host' ? NODE_STYLE : n.kind === 'other' ? 'rounded=1;whiteSpace=wrap;html=0;dashed=1;fillColor=#ffffff;' : 'rounded=1;whiteSpace=wrap;html=0;fillColor=#e8f3e8;strokeColor=#4a8a4a;';
    out.push(row([n.id, nodeLines(n).join(' / '), style, n.group ?? '', n.addresses.slice(0, 20).join(' '), ...cols.map((c) => (byCol?.get(c.col) ?? []).join(','))]));
  }
  return `${out.join('\n')}\n`;
}

/** CSV cells with line breaks flattened: draw.io reads the file line by line. */
function row(cells: string[]): string {
  return cells.map((c) => csvCell(c.replace(/[\r\n]+/g, ' '))).join(',');
}
