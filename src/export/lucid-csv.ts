/**
 * Lucid's CSV shape/line import (Process Diagram import): one page row, a container row per group,
 * a shape row per node (Contained By its group), a line row per edge. Lucid lays it out.
 */
import type { DepGraph } from '../graph/model.js';
import { csvCell } from './escape.js';
import { edgeLines, nodeLines } from './labels.js';

export const LUCID_CSV_HEADER = ['Id', 'Name', 'Shape Library', 'Page ID', 'Contained By', 'Group', 'Line Source', 'Line Destination', 'Source Arrow', 'Destination Arrow', 'Text Area 1', 'Text Area 2'] as const;

export function renderLucidCsv(g: DepGraph): string {
  const rows: Array<Array<string | number>> = [];
  let next = 1;
  const page = next++;
  rows.push([page, 'Page', '', '', '', '', '', '', '', '', 'Dependencies', '']);
  const idOf = new Map<string, number>();
  for (const grp of g.groups) {
    const id = next++;
    idOf.set(grp.id, id);
    rows.push([id, 'Swim Lane', 'Flowchart Shapes', page, '', '', '', '', '', '', grp.name, '']);
  }
  for (const n of g.nodes) {
    const id = next++;
    idOf.set(n.id, id);
    const container = n.group !== undefined ? String(idOf.get(n.group) ?? '') : '';
    const [first, ...rest] = nodeLines(n);
    rows.push([id, 'Process', 'Flowchart Shapes', page, container, '', '', '', '', '', first, rest.join(' ')]);
  }
  for (const e of g.edges) {
    const [svc, traffic] = edgeLines(e);
    rows.push([next++, 'Line', '', page, '', '', idOf.get(e.source) ?? '', idOf.get(e.target) ?? '', 'None', 'Arrow', svc, traffic]);
  }
  const lines = [LUCID_CSV_HEADER.join(','), ...rows.map((r) => r.map((v) => csvCell(v)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
