/** Hover box over the map: exact numbers of the node or edge under the pointer. */
import { formatBytes } from '../../../src/util/bytes.js';
import type { Position } from 'cytoscape';
import type { EdgeData, NodeData } from './elements.js';

const exact = (n: number): string => `${formatBytes(n)} (${n.toLocaleString('en-US')} bytes)`;

export function showTooltip(box: HTMLElement, target: { node: NodeData } | { edge: EdgeData } | null, at: Position): void {
  if (!target) {
    box.hidden = true;
    return;
  }
  const lines: string[] = [];
  if ('node' in target) {
    const n = target.node;
    lines.push(n.label);
    if (n.kind === 'host' && n.label !== n.key) lines.push(n.key);
    lines.push(`as server ${exact(n.bytesServed)}`, `as client ${exact(n.bytesUsed)}`);
  } else {
    const e = target.edge;
    lines.push(`${e.client} → ${e.server}`, e.label.replace(/ · .*$/, ''), `→ ${exact(e.bytes_c2s)}`, `← ${exact(e.bytes_s2c)}`, `${e.connections.toLocaleString('en-US')} connections`);
    if (e.cmp) lines.push(e.cmp);
  }
  box.textContent = lines.join('\n');
  box.style.left = `${Math.round(at.x + 14)}px`;
  box.style.top = `${Math.round(at.y + 14)}px`;
  box.hidden = false;
}
